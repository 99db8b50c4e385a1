export { env, loadConfig } from "./env.js";
export { ConfigError } from "./errors.js";
export { Secret, isSecret } from "./secret.js";

export type { Env, EnvSchema, LoadConfigOptions } from "./env.js";
export type { ConfigIssue } from "./errors.js";
