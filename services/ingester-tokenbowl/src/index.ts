export { loadTokenBowlConfig, tokenbowlEnvSchema } from "./config.js";
export { mergeChronological, pageItem, parseCursor, sift, sinceFor } from "./cursor.js";
export { createTokenBowlIngester } from "./ingester.js";
export { TokenBowlSource } from "./source.js";
export { pythonIsoUtc, timestampMicros } from "./timestamps.js";
export { toEvent } from "./to-event.js";

export type { TokenBowlConfig } from "./config.js";
export type { PageItem, Sifted, StreamAnchor, TokenBowlCursor } from "./cursor.js";
export type { TokenBowlIngesterDeps } from "./ingester.js";
export type { TokenBowlGap, TokenBowlSourceOptions } from "./source.js";
export type { MapOptions } from "./to-event.js";
