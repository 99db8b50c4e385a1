import { startChaturbateSimulator, type ChaturbateSimulator } from "@castbus/simulators";
import {
  countStream,
  findSecret,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import { AckPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { readFileSync } from "node:fs";
import { provision } from "@castbus/nats";
import { afterEach, describe, expect, it } from "vitest";
import { CB_TOKEN, CB_USER } from "./harness/chaturbate.js";
import { jwtTrustChain } from "./harness/jwt.js";
import { makePki } from "./harness/pki.js";
import {
  handled,
  recorderModule,
  scratchDir,
  startService,
  telemetry,
} from "./harness/processes.js";

const dir = scratchDir();
let server: NatsServerHandle | undefined;
let sim: ChaturbateSimulator | undefined;
let procs: ServiceProcess[] = [];

afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop("SIGKILL")));
  procs = [];
  await sim?.close();
  await server?.dispose();
  sim = undefined;
  server = undefined;
});

/** Runs ingester-chaturbate with `natsEnv` against a fresh simulator, resolving once it polls. */
async function startIngester(
  url: string,
  natsEnv: Record<string, string>,
): Promise<ChaturbateSimulator> {
  sim = await startChaturbateSimulator({ accounts: [{ username: CB_USER, token: CB_TOKEN }] });
  const ingester = startService("ingester-chaturbate", {
    NATS_URL: url,
    CB_USERNAME: CB_USER,
    CB_TOKEN,
    CB_BASE_URL: sim.baseUrl,
    CB_TIMEOUT_S: "1",
    ...natsEnv,
  });
  procs.push(ingester);
  await waitFor(() => sim!.requests.length > 0, { timeoutMs: 20_000, message: "ingester polling" });
  return sim;
}

describe("security: NATS auth, TLS and least privilege", () => {
  it("connects over TLS with the CA from NATS_TLS_CA_FILE (and with a client certificate when the server verifies it)", async () => {
    const pki = makePki(dir);
    server = await startNatsServer({
      config: `tls { cert_file: "${pki.serverCert}", key_file: "${pki.serverKey}", ca_file: "${pki.ca}", verify: true }`,
    });
    const url = `tls://127.0.0.1:${server.port}`;
    const upstream = await startIngester(url, {
      NATS_TLS_CA_FILE: pki.ca,
      NATS_TLS_CERT_FILE: pki.clientCert,
      NATS_TLS_KEY_FILE: pki.clientKey,
    });
    upstream.emitRandom(CB_USER, 10);
    const ingester = procs.at(-1)!;
    const tlsOptions = { caFile: pki.ca, certFile: pki.clientCert, keyFile: pki.clientKey };
    const nc = await connect({ servers: url, tls: tlsOptions });
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) === 10);
    await nc.close();
    expect((await telemetry(ingester, "/readyz")).status).toBe(200);
    // Without the client certificate the same server refuses the connection.
    await expect(
      connect({ servers: url, tls: { caFile: pki.ca }, maxReconnectAttempts: 0, timeout: 2000 }),
    ).rejects.toThrow();
  }, 60_000);

  it("authenticates with a .creds file (operator-mode JWT) and keeps working", async () => {
    const chain = jwtTrustChain(dir);
    server = await startNatsServer({ config: chain.serverConfig });
    const upstream = await startIngester(server.url, { NATS_CREDS_FILE: chain.credsFile });
    upstream.emitRandom(CB_USER, 10);
    const nc = await connect({
      servers: server.url,
      authenticator: credsAuthenticator(readFileSync(chain.credsFile)),
    });
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) === 10);
    await nc.close();
    // And an anonymous client is turned away.
    await expect(connect({ servers: server.url, maxReconnectAttempts: 0 })).rejects.toThrow();
  }, 60_000);

  it("runs ingester and worker with least-privilege users: each does its job and nothing else", async () => {
    const group = "alerts";
    const perms = leastPrivilegeConfig(group);
    server = await startNatsServer({ config: perms });
    // An operator provisions once (what `kubectl apply` of a setup Job does); services only read.
    const admin = await connect({
      servers: server.url,
      user: "admin",
      pass: "admin-pass-0123456789",
    });
    await provision(admin as never, {
      EVENTS_MAX_AGE_S: 604800,
      EVENTS_MAX_BYTES: -1,
      EVENTS_REPLICAS: 1,
      EVENTS_DUPLICATE_WINDOW_S: 120,
      DEAD_LETTERS_MAX_AGE_S: 2592000,
    });
    const jsm = await jetstreamManager(admin);
    await jsm.consumers.add("EVENTS", {
      durable_name: group,
      ack_policy: AckPolicy.Explicit,
      filter_subject: "events.chaturbate.>",
      ack_wait: 30e9,
      max_ack_pending: 1000,
      max_deliver: -1,
    });
    await jsm.consumers.add("EVENTS", {
      durable_name: "other",
      ack_policy: AckPolicy.Explicit,
      filter_subject: "events.>",
    });
    const log = `${dir}/least-${Date.now()}.log`;
    const worker = startService("worker", {
      NATS_URL: server.url,
      NATS_USER: `worker-${group}`,
      NATS_PASSWORD: "worker-pass-0123456789",
      WORKER_GROUP: group,
      WORKER_SUBJECTS: "events.chaturbate.>",
      WORKER_HANDLERS: recorderModule(dir),
      HANDLED_LOG: log,
    });
    procs.push(worker);
    const upstream = await startIngester(server.url, {
      NATS_USER: "ingester-chaturbate",
      NATS_PASSWORD: "ingest-pass-0123456789",
    });
    upstream.emitRandom(CB_USER, 20);
    await waitFor(async () => (await countStream(admin, "EVENTS", "events.chaturbate.>")) === 20, {
      message: "ingested with least privilege",
    });
    await waitFor(() => new Set(handled(log).map((h) => h.id)).size === 20, {
      timeoutMs: 20_000,
      message: "worker handled every event",
    });
    // The ingester's user may not publish another source's events...
    const asIngester = await connect({
      servers: server.url,
      user: "ingester-chaturbate",
      pass: "ingest-pass-0123456789",
    });
    await expect(
      asIngester.request("events.twitch.follow", "x", { timeout: 1000 }),
    ).rejects.toThrow(/permission/i);
    await asIngester.close();
    // ...and the worker's user may not pull another group's events.
    const asWorker = await connect({
      servers: server.url,
      user: `worker-${group}`,
      pass: "worker-pass-0123456789",
    });
    await expect(
      asWorker.request("$JS.API.CONSUMER.MSG.NEXT.EVENTS.other", JSON.stringify({ batch: 1 }), {
        timeout: 1000,
      }),
    ).rejects.toThrow(/permission/i);
    await asWorker.close();
    await admin.close();
    const lines = procs.flatMap((p) => p.lines);
    expect(findSecret(lines, "ingest-pass-0123456789")).toEqual([]);
    expect(findSecret(lines, "worker-pass-0123456789")).toEqual([]);
  }, 90_000);
});

/**
 * The least-privilege server config documented in docs/reliability.md: the admin provisions;
 * an ingester publishes only its source's events and dead letters and reads its own checkpoint;
 * a worker consumes only its group and publishes only its dead letters and custom events.
 */
function leastPrivilegeConfig(group: string): string {
  const jsRead = [
    '"$JS.API.INFO"',
    '"$JS.API.STREAM.INFO.EVENTS"',
    '"$JS.API.STREAM.INFO.DEAD_LETTERS"',
    '"$JS.API.STREAM.INFO.KV_CHECKPOINTS"',
  ];
  return `accounts: {
  CASTBUS: {
    jetstream: enabled
    users: [
      { user: admin, password: "admin-pass-0123456789" }
      { user: ingester-chaturbate, password: "ingest-pass-0123456789", permissions: {
          publish: { allow: [${[...jsRead, '"events.chaturbate.>"', '"dlq.ingest.chaturbate"', '"$KV.CHECKPOINTS.chaturbate.>"', '"$JS.API.DIRECT.GET.KV_CHECKPOINTS.>"', '"$JS.API.STREAM.MSG.GET.KV_CHECKPOINTS"'].join(", ")}] }
          subscribe: { allow: ["_INBOX.>"] } } }
      { user: worker-${group}, password: "worker-pass-0123456789", permissions: {
          publish: { allow: [${[...jsRead, `"$JS.API.CONSUMER.INFO.EVENTS.${group}"`, `"$JS.API.CONSUMER.MSG.NEXT.EVENTS.${group}"`, `"$JS.ACK.EVENTS.${group}.>"`, `"dlq.worker.${group}"`, '"events.custom.>"'].join(", ")}] }
          subscribe: { allow: ["_INBOX.>"] } } }
    ]
  }
}`;
}
