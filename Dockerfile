# syntax=docker/dockerfile:1
# One image for every castbus service: `docker run castbus worker`, `... gateway`,
# `... ingester-chaturbate`, `... sim chaturbate --port 8091` (docs/deploy.md, "The image").
# deploy/test/image.test.ts runs these same build steps in a temp dir and starts the result.
ARG NODE_IMAGE=node:24-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /build/src
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# The shipped projects (tsc follows their references to the libs they use).
RUN npx tsc -b libs/simulators/tsconfig.json services/gateway/tsconfig.json \
      services/worker/tsconfig.json services/ingester-chaturbate/tsconfig.json \
      services/ingester-twitch/tsconfig.json services/ingester-obs/tsconfig.json \
      services/ingester-tokenbowl/tsconfig.json
# Production dependencies and built output only, in /build/app.
RUN sh deploy/image/assemble.sh ../app

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /build/app ./
# A 2 MiB young generation (V8's default is 16-32 MiB) keeps a busy service near its live heap:
# an ingester at 10,000 events/s holds about 180 instead of 290 MiB RSS (docs/performance.md).
ENV NODE_ENV=production \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=2" \
    HTTP_PORT=8080
# The node user of the official image, by number so Kubernetes can verify runAsNonRoot. The
# files stay root-owned: the process cannot change its own code, and writes nothing but /tmp.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/app/entry.mjs", "healthcheck"]
ENTRYPOINT ["node", "/app/entry.mjs"]
