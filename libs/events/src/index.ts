export {
  EVENT_TYPE_PATTERN,
  createEnvelope,
  envelopeSchema,
  isRealInstant,
  timestampSchema,
} from "./envelope.js";
export { chaturbateSchemas, chaturbateUserSchema } from "./chaturbate.js";
export { obsSchemas } from "./obs.js";
export { tokenbowlSchemas, tokenbowlUserSchema } from "./tokenbowl.js";
export {
  TWITCH_CHAT_ROLES,
  twitchBadgeSchema,
  twitchChatterSchema,
  twitchFragmentSchema,
  twitchReplySchema,
  twitchSchemas,
  twitchUserSchema,
} from "./twitch.js";
export { customEventInputSchema } from "./custom.js";
export { DeadLetterHeaders } from "./headers.js";
export { eventJsonSchemas } from "./json-schema.js";
export {
  customDataSchema,
  dataSchemaFor,
  describeIssues,
  eventSchemas,
  isCustomEventType,
  isKnownEventType,
  knownEventTypes,
  validateEvent,
} from "./registry.js";
export {
  CHECKPOINTS_BUCKET,
  DEAD_LETTERS_STREAM,
  EVENTS_STREAM,
  EVENTS_SUBJECT_PREFIX,
  ingestDeadLetterSubject,
  MAX_EVENT_ID_LENGTH,
  MAX_EVENT_TYPE_LENGTH,
  isSubjectToken,
  isValidEventId,
  isValidEventType,
  subjectForType,
  typeFromSubject,
  workerDeadLetterSubject,
} from "./subjects.js";
export { summarizeEvent } from "./summary.js";
export { userSchema } from "./user.js";

export type { CustomEventInput } from "./custom.js";
export type { EnvelopeInit, EventEnvelope } from "./envelope.js";
export type {
  CastbusEvent,
  CustomEventType,
  EventData,
  EventDataMap,
  EventType,
  EventValidation,
  KnownEventType,
} from "./registry.js";
export type { TwitchChatRole, TwitchChatter, TwitchUser } from "./twitch.js";
export type { User } from "./user.js";
