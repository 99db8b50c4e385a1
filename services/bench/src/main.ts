#!/usr/bin/env node
import { startChaturbateSimulator } from "@castbus/simulators";
import { connectTestNats, findNatsServer, startNatsServer } from "@castbus/testing";
import { provision, streamEnvShape } from "@castbus/nats";
import { loadConfig } from "@castbus/config";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { manyAccounts } from "./accounts.js";
import { corePublishNoAck, jsPublishWindow, rawConsumeAck } from "./baselines.js";
import { endToEnd, type E2eSource } from "./e2e.js";
import { type Figure } from "./measure.js";
import { castbusPublishPath, castbusPublisherAlone } from "./publish-path.js";
import { machine, table, writeResults } from "./report.js";
import { soak } from "./soak.js";
import { chaturbateSource, twitchSource } from "./sources.js";
import { castbusWorkerPath } from "./worker-path.js";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean" }, soak: { type: "string" } },
});
const scale = flags.quick === true ? 0.2 : 1;
const n = (count: number) => Math.round(count * scale);
const say = (text: string) => process.stderr.write(`bench: ${text}\n`);

const server = await startNatsServer();
const nc = await connectTestNats(server.url);
await provision(nc, loadConfig(z.object(streamEnvShape), { EVENTS_MAX_AGE_S: "3600" }));
const sim = await startChaturbateSimulator({
  maxBatch: 1000,
  backlogSize: 0,
  maxFeedEvents: 200_000,
  rateLimitPerMinute: 1_000_000,
});
sim.addAccount("corpus", "CorpusToken0000000000000");
const corpus = sim.emitRandom("corpus", n(100_000)).map((event) => ({ ...event }));
const body = Buffer.from(JSON.stringify(corpus[0]));
const figures: Figure[] = [];
const result: Record<string, unknown> = {
  at: new Date().toISOString(),
  quick: flags.quick === true,
};

say("baselines: js.publish window, core publish without acks");
const jsWindow = await jsPublishWindow(nc, body, n(50_000));
const noAck = await corePublishNoAck(nc, body, n(200_000));
figures.push({ name: "raw js.publish (1,000 in flight)", value: jsWindow, unit: "msg/s" });
figures.push({
  name: "raw core publish, no acks (broker store rate)",
  value: noAck,
  unit: "msg/s",
});

say("castbus Publisher alone (shared inbox, msg ids, acks awaited)");
const publisherAlone = await castbusPublisherAlone(nc, body, n(100_000));
figures.push({
  name: "castbus Publisher alone (no mapping)",
  value: publisherAlone,
  unit: "msg/s",
  baseline: { name: "js.publish", value: jsWindow },
});

say("castbus publish path (libs/ingest: map, validate, envelope, publish, checkpoint)");
const publishPath = await castbusPublishPath(server.url, nc, corpus);
figures.push({
  name: "castbus publish path",
  value: publishPath,
  unit: "events/s",
  baseline: { name: "js.publish", value: jsWindow },
  target: { text: "≥ 4× js.publish", met: publishPath >= 4 * jsWindow },
});
figures.push({
  name: "castbus publish path vs broker",
  value: publishPath,
  unit: "events/s",
  baseline: { name: "no-ack store", value: noAck },
  target: { text: "≥ 0.5× no-ack store", met: publishPath >= 0.5 * noAck },
});

say("worker path and raw consume+ack");
const rawConsume = await rawConsumeAck(nc, "events.chaturbate.>", corpus.length);
const workerPath = await castbusWorkerPath(nc, "events.chaturbate.>", corpus.length);
figures.push({ name: "raw consume + ack", value: rawConsume, unit: "msg/s" });
figures.push({
  name: "castbus worker path (validate, route, ack)",
  value: workerPath,
  unit: "events/s",
  baseline: { name: "raw consume+ack", value: rawConsume },
  target: { text: "≥ 0.8× raw consume+ack", met: workerPath >= 0.8 * rawConsume },
});

const chaturbate = chaturbateSource(sim);
const twitch = await twitchSource();
const e2eRuns: [E2eSource, number, number][] = [
  [twitch, 1000, 10],
  [chaturbate, 1000, 10],
  [chaturbate, 10_000, 50],
];
for (const [source, rate, p99Target] of e2eRuns) {
  const label = `${source.name} @ ${rate}/s`;
  say(`end to end, ${label} (simulator → ingester → NATS → worker, separate processes)`);
  const e2e = await endToEnd(server.url, source, {
    ratePerSecond: rate,
    seconds: flags.quick === true ? 4 : 10,
    warmupSeconds: 2,
    run: `e2e_${source.name}_${rate}`,
  });
  result[`e2e_${source.name}_${rate}`] = { ...e2e, rssSeries: undefined };
  figures.push({ name: `e2e p50, ${label}`, value: e2e.p50Ms, unit: "ms" });
  figures.push({
    name: `e2e p99, ${label}`,
    value: e2e.p99Ms,
    unit: "ms",
    target: { text: `≤ ${p99Target} ms`, met: e2e.p99Ms <= p99Target },
  });
  figures.push({
    name: `e2e max, ${label}`,
    value: e2e.maxMs,
    unit: "ms",
    note: `${e2e.events} events measured`,
  });
  figures.push({
    name: `ingester RSS, ${label}`,
    value: e2e.ingesterRssMiB,
    unit: "MiB",
    target: { text: "≤ 150 MB", met: e2e.ingesterRssMiB * 1.048576 <= 150 },
  });
  figures.push({ name: `worker RSS, ${label}`, value: e2e.workerRssMiB, unit: "MiB" });
}
await twitch.close();

const accountCount = flags.quick === true ? 200 : 1000;
say(`${accountCount} accounts in one ingester process`);
const accounts = await manyAccounts(server.url, nc, sim, {
  count: accountCount,
  perAccountPerSecond: 1,
  seconds: flags.quick === true ? 5 : 15,
});
result["accounts"] = accounts;
figures.push({
  name: `ingester RSS, ${accountCount} accounts`,
  value: accounts.rssMiB,
  unit: "MiB",
  target: { text: "≤ 150 MB", met: accounts.rssMiB * 1.048576 <= 150 },
});
figures.push({
  name: "RSS per account",
  value: (accounts.rssMiB * 1024) / accountCount,
  unit: "KiB",
  note: `idle ${accounts.idleRssMiB.toFixed(0)} MiB`,
});
figures.push({
  name: "CPU per account",
  value: accounts.cpuPercent / accountCount,
  unit: "% of a core",
  note: `${accounts.eventsPerSecond} events/s in all`,
});

if (flags.soak !== undefined) {
  const seconds = Number(flags.soak);
  say(`soak: ${seconds} s at 1000 events/s`);
  const soakResult = await soak(server.url, chaturbate, seconds);
  result["soak"] = soakResult;
  for (const name of ["ingester", "worker"] as const) {
    const growth = soakResult.growthMiB[name]!;
    figures.push({
      name: `${name} RSS growth over soak`,
      value: growth,
      unit: "MiB",
      target: { text: "bounded (< 10 MiB after warm-up)", met: growth < 10 },
      note: `${soakResult.startMiB[name]!.toFixed(0)} → ${soakResult.endMiB[name]!.toFixed(0)} MiB in ${seconds} s`,
    });
  }
}

result["machine"] = machine(findNatsServer() ?? "nats-server");
result["figures"] = figures;
const out = fileURLToPath(new URL("../results.json", import.meta.url));
writeResults(out, result);
process.stdout.write(`${table(figures)}\n\nwritten to ${out}\n`);
await sim.close();
await nc.close();
await server.dispose();
