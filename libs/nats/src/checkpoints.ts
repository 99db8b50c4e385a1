import { Secret } from "@castbus/config";
import { CHECKPOINTS_BUCKET } from "@castbus/events";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { CheckpointConflictError, CheckpointSecretError } from "./errors.js";

/** A stored checkpoint and the revision a compare-and-set must name. */
export interface Checkpoint<T> {
  readonly value: T;
  readonly revision: number;
}

/** KV keys allow `[-/_=.a-zA-Z0-9]`; anything else in an account name is escaped as `=XX`. */
export function checkpointKey(source: string, account: string): string {
  const escape = (part: string) =>
    part.replace(/[^-_a-zA-Z0-9]/g, (ch) => `=${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `${escape(source)}.${escape(account)}`;
}

/**
 * Ingester resume cursors in KV bucket `CHECKPOINTS`, key `<source>.<account>`, values JSON.
 * Writes are compare-and-set: a write names the revision it read, so two replicas that both
 * think they own a cursor cannot silently overwrite each other. A value holding any configured
 * secret is refused — checkpoints are readable by operators and tools.
 */
export class CheckpointStore {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Binds to the (already provisioned) bucket. */
  static async open(nc: NatsConnection, bucket = CHECKPOINTS_BUCKET): Promise<CheckpointStore> {
    return new CheckpointStore(await new Kvm(nc).open(bucket, { bindOnly: true }));
  }

  /** The checkpoint under `key`, or `undefined` when none was written (or it was deleted). */
  async load<T>(key: string): Promise<Checkpoint<T> | undefined> {
    const entry = await this.#kv.get(key);
    if (entry === null || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  /**
   * Writes `value` if the key is still at `expectedRevision` (`undefined` = the key must not
   * exist yet). Returns the new revision; throws {@link CheckpointConflictError} otherwise.
   */
  async save<T>(key: string, value: T, expectedRevision: number | undefined): Promise<number> {
    const text = JSON.stringify(value);
    if (
      Secret.knownValues().some(
        (secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)),
      )
    ) {
      throw new CheckpointSecretError(`refusing to store a secret in checkpoint ${key}`);
    }
    try {
      return expectedRevision === undefined
        ? await this.#kv.create(key, text)
        : await this.#kv.update(key, text, expectedRevision);
    } catch (error) {
      if (isCasFailure(error)) throw new CheckpointConflictError(key, error);
      throw error;
    }
  }

  /** Removes the checkpoint (the next start reads the upstream from its beginning). */
  async delete(key: string): Promise<void> {
    await this.#kv.delete(key);
  }

  /** Every key in the bucket. */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const key of await this.#kv.keys()) out.push(key);
    return out;
  }
}

function isCasFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown; api_error?: { err_code?: number } }).api_error?.err_code;
  return code === 10071 || /wrong last sequence|key exists/i.test(message);
}
