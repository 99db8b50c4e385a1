export { corePublishNoAck, jsPublishWindow, rawConsumeAck } from "./baselines.js";
export { percentile, rate } from "./measure.js";
export { table } from "./report.js";

export type { Figure } from "./measure.js";
