#!/bin/sh
# Collects the castbus runtime tree into <out>: production dependencies, and package.json + dist/
# of every shipped workspace, plus the entry script. Run from the repository root after `npm ci`
# and the build (the Dockerfile's build stage does exactly that). It never changes the checkout:
# it prunes a copy of node_modules, in <out>, where the workspaces that are not shipped (testing,
# devstack, cli, bench, deploy) are absent, so npm drops their dependencies (testcontainers, ...).
set -eu

out=${1:?usage: deploy/image/assemble.sh <out-dir>}
SERVICES="gateway worker ingester-chaturbate ingester-twitch ingester-obs ingester-tokenbowl"
# Every built lib but the test kit: tsc -b built exactly the libs the services and simulators
# reference, so a lib without dist/ is one nothing shipped needs.
LIBS=$(for dir in libs/*/; do
  name=$(basename "$dir")
  if [ "$name" != testing ] && [ -d "$dir/dist" ]; then echo "$name"; fi
done)

rm -rf "$out"
mkdir -p "$out"
cp package.json package-lock.json "$out/"
# shellcheck disable=SC2086 # word splitting of the lists is intended
for project in $(printf 'libs/%s ' $LIBS) $(printf 'services/%s ' $SERVICES); do
  if [ ! -d "$project/dist" ]; then
    echo "assemble: $project/dist is missing; build first" >&2
    exit 1
  fi
  mkdir -p "$out/$project"
  cp "$project/package.json" "$out/$project/"
  cp -R "$project/dist" "$out/$project/dist"
  # A workspace's own node_modules holds dependencies whose version differs from the root's.
  if [ -d "$project/node_modules" ]; then cp -R -P "$project/node_modules" "$out/$project/node_modules"; fi
  # Handler examples run as they are (Node strips their types): WORKER_HANDLERS=services/worker/examples/...
  if [ -d "$project/examples" ]; then cp -R "$project/examples" "$out/$project/examples"; fi
done
cp deploy/image/entry.mjs "$out/entry.mjs"

# Symlinks stay symlinks (node_modules/@castbus/* point at ../../libs/* and ../../services/*).
cp -R -P node_modules "$out/node_modules"
# --omit=optional and --omit=peer also drop vitest, an optional peer of @castbus/ingest's test kit.
(cd "$out" && npm prune --omit=dev --omit=optional --omit=peer --no-audit --no-fund --loglevel=error)

# Types, declaration maps and build info are not needed to run; the .js.map files stay so stack
# traces point at the TypeScript sources (NODE_OPTIONS=--enable-source-maps).
find "$out" \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.d.mts' -o -name '*.d.cts' \
  -o -name '*.tsbuildinfo' \) -type f -exec rm -f {} +
find "$out/node_modules" -name '*.map' -type f -exec rm -f {} +
find "$out" -type d \( -name .vite -o -name .vite-temp \) -prune -exec rm -rf {} +
find "$out" -mindepth 1 -type d -empty -delete
rm -f "$out/package-lock.json" "$out/node_modules/.package-lock.json"
