import { z } from "zod";
import { envelopeSchema } from "./envelope.js";
import { eventSchemas, knownEventTypes, type KnownEventType } from "./registry.js";

/**
 * JSON Schema (draft 2020-12) of the full envelope of every known event type, keyed by type.
 * Written to `docs/schemas/<type>.json` by `nx run events:schemas`; a test keeps them in step.
 * Schemas describe the input side, so a consumer validating with them tolerates added fields.
 */
export function eventJsonSchemas(): Record<KnownEventType, object> {
  const out = {} as Record<KnownEventType, object>;
  for (const type of knownEventTypes) {
    const schema = envelopeSchema.extend({ type: z.literal(type), data: eventSchemas[type] });
    out[type] = {
      $id: `https://castbus.dev/schemas/${type}.json`,
      title: type,
      ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
    };
  }
  return out;
}
