import { isCustomEventType, timestampSchema } from "@castbus/events";
import { z } from "zod";

/** One event as clients send it. */
export const eventInputSchema = z
  .object({
    type: z
      .string()
      .refine(isCustomEventType, {
        error: "must be custom.<name> with lowercase NATS-safe tokens ([a-z0-9_-], dot-separated)",
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
    time: timestampSchema
      .optional()
      .meta({ description: "When it happened (RFC 3339); default: now" }),
  })
  .strict();

/** The request body: one event or a batch. */
export const requestSchema = z.union([eventInputSchema, z.array(eventInputSchema).min(1)]);

/** One event in a 202 answer. */
export const acceptedEventSchema = z.object({
  id: z.string().meta({ description: "The envelope id (subject: events.<type>)" }),
  type: z.string(),
  duplicate: z.boolean().meta({ description: "true when this id was already stored (a retry)" }),
});

/** The 202 answer. */
export const acceptedSchema = z.object({ accepted: z.array(acceptedEventSchema) });

/** A problem answer (RFC 9457). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** The schemas the OpenAPI document names as components. */
export const apiComponents = z.registry<{ id: string }>();
apiComponents.add(eventInputSchema, { id: "EventInput" });
apiComponents.add(requestSchema, { id: "PublishRequest" });
apiComponents.add(acceptedEventSchema, { id: "AcceptedEvent" });
apiComponents.add(acceptedSchema, { id: "Accepted" });
apiComponents.add(problemSchema, { id: "Problem" });

/** A validated event input. */
export type EventInput = z.output<typeof eventInputSchema>;
