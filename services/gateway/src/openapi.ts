import { z } from "zod";
import { PROBLEMS } from "./problems.js";
import { apiComponents } from "./schema.js";

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});

/**
 * The gateway's OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests (so the document cannot drift from the behaviour). Served at `GET /openapi.json`.
 */
export function openApiDocument(limits: {
  maxBodyBytes: number;
  maxBatch: number;
}): Record<string, unknown> {
  const generated = z.toJSONSchema(apiComponents, {
    uri: (id) => `#/components/schemas/${id}`,
    target: "draft-2020-12",
  });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "castbus gateway",
      version: "1.0.0",
      description:
        "Publish custom events onto castbus (NATS JetStream subject events.<type>). " +
        `Bodies up to ${limits.maxBodyBytes} bytes; batches up to ${limits.maxBatch} events. ` +
        "Give each event an id to make retries idempotent.",
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }],
    paths: {
      "/v1/events": {
        post: {
          operationId: "publishEvents",
          summary: "Publish one custom event or a batch",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("PublishRequest") } },
          },
          responses: {
            "202": {
              description: "Stored by JetStream (acknowledged)",
              content: { "application/json": { schema: ref("Accepted") } },
            },
            ...Object.fromEntries(
              Object.values(PROBLEMS)
                .filter((p) => p.status !== 404 && p.status !== 405)
                .map((p) => [String(p.status), problemResponse(p.title)]),
            ),
          },
        },
      },
    },
  };
}
