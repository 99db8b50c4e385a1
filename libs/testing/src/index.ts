export { archiveLines, archiveSecrets, secretValues } from "./archive.js";
export { LineCapture, findSecret } from "./capture.js";
export { dockerAvailable, findNatsServer, freePort, startNatsServer } from "./nats-server.js";
export { spawnService } from "./process.js";
export { connectTestNats, countStream, readStream } from "./streams.js";
export { waitFor } from "./wait.js";

export type { NatsServerHandle, NatsServerOptions } from "./nats-server.js";
export type { ServiceProcess, SpawnOptions } from "./process.js";
export type { StoredMessage } from "./streams.js";
