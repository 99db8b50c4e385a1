import type { ChaturbateSimulator } from "@castbus/simulators";
import { countStream, waitFor } from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuSeconds, rssMiB } from "./measure.js";
import { scratch, startIngester } from "./processes.js";

/** What one ingester process costs per account. */
export interface AccountsFigures {
  readonly accounts: number;
  readonly eventsPerSecond: number;
  readonly cpuPercent: number;
  readonly rssMiB: number;
  readonly idleRssMiB: number;
}

/**
 * One ingester process reading `count` accounts (CB_ACCOUNTS_FILE) over one keep-alive pool,
 * every account receiving `perAccountPerSecond` events; CPU and RSS measured over a steady window.
 */
export async function manyAccounts(
  natsUrl: string,
  nc: NatsConnection,
  sim: ChaturbateSimulator,
  options: { count: number; perAccountPerSecond: number; seconds: number },
): Promise<AccountsFigures> {
  const names = Array.from({ length: options.count }, (_, i) => `acct_${i}`);
  const tokenFor = (i: number) => `AcctToken${String(i).padStart(15, "0")}`;
  names.forEach((name, i) => sim.addAccount(name, tokenFor(i)));
  const file = join(scratch, "accounts.txt");
  writeFileSync(file, names.map((name, i) => `${name}:${tokenFor(i)}`).join("\n"));
  const seen = new Set<string>();
  const before = sim.requests.length;
  const ingester = startIngester(natsUrl, { CB_ACCOUNTS_FILE: file, CB_BASE_URL: sim.baseUrl });
  await waitFor(
    () => {
      for (const r of sim.requests.slice(before))
        if (typeof r.username === "string") seen.add(r.username);
      return seen.size >= options.count;
    },
    { timeoutMs: 60_000, message: "every account polling" },
  );
  const idleRss = rssMiB(ingester.pid);
  const storedBefore = await countStream(nc, "EVENTS", "events.chaturbate.tip");
  const total = options.count * options.perAccountPerSecond * options.seconds;
  const cpuBefore = cpuSeconds(ingester.pid);
  const started = performance.now();
  let sent = 0;
  let peakRss = idleRss;
  while (sent < total) {
    const due = Math.min(
      total,
      Math.floor(
        ((performance.now() - started) / 1000) * options.count * options.perAccountPerSecond,
      ),
    );
    for (; sent < due; sent++) sim.emit(names[sent % options.count]!, "tip");
    peakRss = Math.max(peakRss, rssMiB(ingester.pid));
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(ingester.pid) - cpuBefore;
  await waitFor(
    async () => (await countStream(nc, "EVENTS", "events.chaturbate.tip")) === storedBefore + total,
    {
      timeoutMs: 60_000,
      message: `all ${total} events from ${options.count} accounts stored`,
    },
  );
  await ingester.stop();
  return {
    accounts: options.count,
    eventsPerSecond: Math.round(total / elapsed),
    cpuPercent: (cpu / elapsed) * 100,
    rssMiB: peakRss,
    idleRssMiB: idleRss,
  };
}
