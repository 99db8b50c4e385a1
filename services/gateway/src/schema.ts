import { customEventInputSchema, type CustomEventInput } from "@castbus/events";
import { z } from "zod";

/** One event as clients send it (the shared custom-event input, also used by `castbus emit`). */
export const eventInputSchema = customEventInputSchema;

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
export type EventInput = CustomEventInput;
