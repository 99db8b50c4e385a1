export { firstFreePort, startDevNats } from "./nats.js";
export { prefix, prettyLine } from "./pretty.js";
export { startProcess } from "./processes.js";

export type { DevNats } from "./nats.js";
export type { StackProcess } from "./processes.js";
