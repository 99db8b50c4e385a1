import { createEnvelope, subjectForType } from "@castbus/events";
import { Publisher, connectNats, provision, type NatsConnection } from "@castbus/nats";
import type { EventRouter } from "@castbus/router";
import { createLogger } from "@castbus/telemetry";
import { LineCapture, startNatsServer } from "@castbus/testing";
import { loadWorkerConfig } from "../src/config.js";
import { createWorker, type Worker } from "../src/worker.js";

/** A private nats-server plus helpers to start workers and publish events. */
export async function startWorkerStack() {
  const server = await startNatsServer();
  const workers: Worker[] = [];
  let nc: NatsConnection | undefined;
  let publisher: Publisher | undefined;
  const logs = new LineCapture();
  return {
    server,
    logs,
    async worker(
      router: EventRouter,
      env: Record<string, string> = {},
      services: Record<string, unknown> = {},
    ): Promise<Worker> {
      const config = loadWorkerConfig({
        NATS_URL: server.url,
        HTTP_PORT: "0",
        WORKER_BACKOFF_MS: "50",
        ...env,
      });
      const logger = createLogger({ service: "worker", level: "debug", destination: logs });
      const worker = await createWorker({ config, router, logger, services });
      workers.push(worker);
      return worker;
    },
    /** Publishes `count` valid chaturbate.tip events (ids `tip-<i>`); resolves when all are acked. */
    async publishTips(count: number, prefix = "tip"): Promise<string[]> {
      nc ??= await connectNats(loadWorkerConfig({ NATS_URL: server.url }), {
        name: "test-publisher",
      });
      await provision(nc, loadWorkerConfig({ NATS_URL: server.url }));
      publisher ??= new Publisher(nc);
      const ids: string[] = [];
      const acks = [];
      for (let i = 0; i < count; i++) {
        const envelope = createEnvelope({
          id: `${prefix}-${i}`,
          source: "chaturbate/alice",
          type: "chaturbate.tip",
          data: {
            broadcaster: "alice",
            user: { username: `viewer${i}`, inFanclub: false, hasTokens: true, isMod: false },
            tokens: i + 1,
            isAnon: false,
            text: "",
          },
        });
        ids.push(envelope.id);
        if (!publisher.hasCapacity) await publisher.waitForCapacity();
        acks.push(
          publisher.publish({
            subject: subjectForType(envelope.type),
            data: Buffer.from(JSON.stringify(envelope)),
            msgId: envelope.id,
          }),
        );
      }
      await Promise.all(acks);
      return ids;
    },
    /** Publishes raw bytes on a subject (for invalid events). */
    async publishRaw(subject: string, body: string, msgId: string): Promise<void> {
      nc ??= await connectNats(loadWorkerConfig({ NATS_URL: server.url }), {
        name: "test-publisher",
      });
      publisher ??= new Publisher(nc);
      await publisher.publish({ subject, data: Buffer.from(body), msgId });
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await publisher?.close();
      await nc?.close();
      await server.dispose();
    },
  };
}
