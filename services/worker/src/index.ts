export { builtInServices, consumerSettings, loadWorkerConfig, workerEnvSchema } from "./config.js";
export { loadHandlers } from "./handlers.js";
export { createWorker } from "./worker.js";

export type { WorkerConfig } from "./config.js";
export type { LoadedHandlers } from "./handlers.js";
export type { Worker, WorkerDeps } from "./worker.js";
