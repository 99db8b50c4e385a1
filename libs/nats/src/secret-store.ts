import { Secret } from "@castbus/config";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

/**
 * Credentials an ingester must keep across restarts (Twitch rotates refresh tokens), in a KV
 * bucket of their own — never in CHECKPOINTS, which holds no secret by contract. Values come back
 * as {@link Secret}s, so the logger scrubs them; restrict the bucket's subjects to the one service.
 */
export class SecretStore {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Opens (creating when missing) the bucket; it keeps only the latest value of each key. */
  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<SecretStore> {
    const kvm = new Kvm(nc);
    const kv = await kvm
      .create(bucket, { history: 1, replicas, storage: "file" })
      .catch(() => kvm.open(bucket));
    return new SecretStore(kv);
  }

  /** The stored fields under `key`, each as a Secret (compare plain ones with `reveal()`); `undefined` when nothing is stored. */
  async get(key: string): Promise<Record<string, Secret> | undefined> {
    const entry = await this.#kv.get(key);
    if (entry === null || entry.operation !== "PUT" || entry.value.length === 0) return undefined;
    const fields = entry.json<Record<string, string>>();
    return Object.fromEntries(
      Object.entries(fields).map(([name, value]) => [name, new Secret(value)]),
    );
  }

  /** Replaces the fields under `key` (plain strings for what is not secret, like a fingerprint). */
  async put(key: string, fields: Record<string, Secret | string | undefined>): Promise<void> {
    const plain = Object.fromEntries(
      Object.entries(fields).flatMap(([name, value]) =>
        value === undefined ? [] : [[name, typeof value === "string" ? value : value.reveal()]],
      ),
    );
    await this.#kv.put(key, JSON.stringify(plain));
  }
}
