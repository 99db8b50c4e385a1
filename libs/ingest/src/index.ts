export { SourceChannel } from "./channel.js";
export { Checkpointer } from "./checkpointer.js";
export { ingestEnvShape } from "./config.js";
export { ingestDeadLetter } from "./dead-letter.js";
export { FatalSourceError, MalformedResponseError, classifyFailure } from "./errors.js";
export { runPullSource, runPushSource, upstreamCheck } from "./loops.js";
export { OrderedAcks } from "./ordered-acks.js";
export { createIngester } from "./service.js";

export type { ChannelDeps } from "./channel.js";
export type { IngestConfig } from "./config.js";
export type { FailureClass } from "./errors.js";
export type { LoopContext } from "./loops.js";
export type { Ingester, IngesterDeps } from "./service.js";
export type {
  MapResult,
  MappedEvent,
  PullBatch,
  PullSource,
  PushSink,
  PushSource,
  Rejection,
  Source,
  SourceBase,
  UpstreamRecord,
} from "./source.js";
