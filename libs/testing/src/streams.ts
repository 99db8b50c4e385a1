import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";

/** A message read back from a stream. */
export interface StoredMessage {
  readonly subject: string;
  readonly seq: number;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A plain connection for test code (no reconnect tuning). */
export function connectTestNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: "castbus-test" });
}

/**
 * Reads every message currently in `stream` matching `filter` (NATS wildcards allowed), in
 * stream order, with an ordered consumer. Returns `[]` when there are none.
 */
export async function readStream(
  nc: NatsConnection,
  stream: string,
  filter = ">",
): Promise<StoredMessage[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { filter_subjects: filter });
  const info = await consumer.info(true);
  let remaining = info.num_pending;
  const out: StoredMessage[] = [];
  if (remaining === 0) return out;
  const messages = await consumer.consume({ max_messages: 1000 });
  for await (const msg of messages) {
    const text = new TextDecoder().decode(msg.data);
    out.push({
      subject: msg.subject,
      seq: msg.seq,
      data: msg.data,
      headers: Object.fromEntries([...(msg.headers ?? [])].map(([k, v]) => [k, v.join(", ")])),
      text,
      json: <T>() => JSON.parse(text) as T,
    });
    remaining -= 1;
    if (msg.info.pending === 0 || remaining <= 0) break;
  }
  await messages.close();
  return out;
}

/** How many messages `stream` holds on subjects matching `filter`. */
export async function countStream(
  nc: NatsConnection,
  stream: string,
  filter = ">",
): Promise<number> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { filter_subjects: filter });
  return (await consumer.info(true)).num_pending;
}
