import { z } from "zod";
import { isRealInstant } from "./envelope.js";
import { isCustomEventType } from "./registry.js";

/**
 * A custom event as producers hand it to castbus — the gateway's request body and
 * `castbus emit` — validated the same way at every door. The producer's own `id` makes retries
 * idempotent (it becomes part of the envelope id, the JetStream msg id).
 */
export const customEventInputSchema = z
  .object({
    type: z
      .string()
      .refine(isCustomEventType, {
        error:
          "must be custom.<name> with lowercase NATS-safe tokens ([a-z0-9_-], dot-separated), at most 255 characters",
      })
      .meta({ example: "custom.alert" }),
    data: z
      .record(z.string(), z.unknown())
      .meta({ description: "Any JSON object", example: { text: "hello" } }),
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: "must be 1-128 of A-Z a-z 0-9 . _ : -" })
      .optional()
      .meta({ description: "Your id for this event: a retry with the same id stores it once" }),
    time: z.iso
      .datetime({ offset: true, error: "must be an RFC 3339 time with an offset" })
      .refine(isRealInstant, {
        error: "must be an RFC 3339 time with an offset, between years 1 and 9999",
      })
      .optional()
      .meta({ description: "When it happened (RFC 3339); default: now" }),
  })
  .strict();

/** A validated custom event input. */
export type CustomEventInput = z.output<typeof customEventInputSchema>;
