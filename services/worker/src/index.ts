export { backoffFor, loadWorkerConfig, startAt, workerEnvSchema } from "./config.js";
export { workerDeadLetter } from "./dead-letter.js";
export { emitterFor } from "./emitter.js";
export { loadHandlers } from "./handlers.js";
export { processDelivery } from "./processor.js";
export { createWorker } from "./worker.js";

export type { WorkerConfig } from "./config.js";
export type { WorkerDeadLetterReason } from "./dead-letter.js";
export type { HandlerModule } from "./handlers.js";
export type { ProcessorDeps } from "./processor.js";
export type { Worker, WorkerDeps } from "./worker.js";
