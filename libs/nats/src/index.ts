export {
  JetStreamUnavailableError,
  StreamNotFoundError,
  checkpointHistory,
  connectForTool,
  consumerState,
  deleteStreamMessage,
  getStreamMessage,
  listCheckpoints,
  listConsumers,
  purgeStream,
  readMessages,
  serverInfo,
  streamStats,
} from "./admin.js";
export { natsConfigChecks, natsEnvShape, streamEnvShape } from "./config.js";
export {
  connectNats,
  connectionOptions,
  serverAtLeast,
  serverVersion,
  watchConnection,
} from "./connect.js";
export { CheckpointStore, checkpointKey } from "./checkpoints.js";
export {
  ConsumerConfigError,
  consumeDurable,
  consumerLag,
  ensureDurableConsumer,
} from "./consumer.js";
export {
  CheckpointConflictError,
  CheckpointSecretError,
  ProvisionError,
  PublishError,
  PublisherClosedError,
} from "./errors.js";
export { provision } from "./provision.js";
export { Publisher } from "./publisher.js";
export { SecretStore } from "./secret-store.js";
export { openNats, startServiceRuntime } from "./runtime.js";

export type { NatsConnection } from "@nats-io/transport-node";
export type {
  CheckpointEntry,
  ConsumerState,
  PurgeOptions,
  ReadOptions,
  ReadStart,
  ServerInfo,
  StreamMessage,
  StreamStats,
  ToolConnectOptions,
} from "./admin.js";
export type { Checkpoint } from "./checkpoints.js";
export type { NatsConfig, StreamConfig } from "./config.js";
export type { ConnectOptions, ConnectionWatcher } from "./connect.js";
export type { ConsumeOptions, Delivery, DurableConsumerOptions } from "./consumer.js";
export type { ProvisionOptions, ProvisionReport } from "./provision.js";
export type { OpenNatsOptions, ServiceRuntime, ServiceRuntimeOptions } from "./runtime.js";
export type {
  PublishAck,
  PublishCallback,
  PublishMessage,
  PublisherOptions,
  RetryReason,
} from "./publisher.js";
