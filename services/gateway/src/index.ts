export { apiHandler } from "./api.js";
export { gatewayEnvSchema, loadGatewayConfig } from "./config.js";
export { createGateway } from "./gateway.js";
export { openApiDocument } from "./openapi.js";
export { PROBLEMS, problem } from "./problems.js";
export { RateLimiter } from "./rate-limit.js";
export { acceptedSchema, eventInputSchema, problemSchema, requestSchema } from "./schema.js";
export { TokenAuth, parseTokens } from "./tokens.js";

export type { ApiDeps } from "./api.js";
export type { GatewayConfig } from "./config.js";
export type { Gateway, GatewayDeps } from "./gateway.js";
export type { FieldError, Problem, ProblemCode } from "./problems.js";
export type { EventInput } from "./schema.js";
