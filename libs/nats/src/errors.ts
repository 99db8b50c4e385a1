/** A publish JetStream refused or that could not be sent; `retryable` says whether resending can help. */
export class PublishError extends Error {
  override readonly name = "PublishError";
  readonly retryable: boolean;
  readonly subject: string;
  /** JetStream's error code, when the stream answered with one. */
  readonly code: number | undefined;

  constructor(
    message: string,
    fields: { subject: string; retryable: boolean; code?: number; cause?: unknown },
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.subject = fields.subject;
    this.retryable = fields.retryable;
    this.code = fields.code;
  }
}

/** The publisher was closed with publishes still waiting for their ack. */
export class PublisherClosedError extends Error {
  override readonly name = "PublisherClosedError";
  readonly retryable = true;
}

/** A compare-and-set checkpoint write lost: another writer moved the cursor. Re-read and stop. */
export class CheckpointConflictError extends Error {
  override readonly name = "CheckpointConflictError";
  readonly retryable = false;
  readonly key: string;

  constructor(key: string, cause?: unknown) {
    super(
      `checkpoint ${key} was moved by another writer`,
      cause === undefined ? undefined : { cause },
    );
    this.key = key;
  }
}

/** A checkpoint value that holds a secret was refused (checkpoints must never hold one). */
export class CheckpointSecretError extends Error {
  override readonly name = "CheckpointSecretError";
  readonly retryable = false;
}

/** Stream or bucket provisioning failed (permissions, incompatible existing config). */
export class ProvisionError extends Error {
  override readonly name = "ProvisionError";
  readonly retryable: boolean;

  constructor(message: string, fields: { retryable: boolean; cause?: unknown }) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.retryable = fields.retryable;
  }
}
