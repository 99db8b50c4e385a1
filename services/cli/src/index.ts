export { run } from "./run.js";
export { parseDuration, parseSequences, parseTime } from "./args.js";

export type { Io, Output } from "./io.js";
