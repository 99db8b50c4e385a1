import {
  DEAD_LETTERS_STREAM,
  EVENTS_STREAM,
  createEnvelope,
  subjectForType,
  type CastbusEvent,
} from "@castbus/events";
import { EventRouter, subscribe } from "@castbus/router";
import { createLogger } from "@castbus/telemetry";
import { LineCapture, countStream, readStream, waitFor } from "@castbus/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await stack.cli(["dlq", "purge", "--all", "--yes"]);
});

async function deadLetterSeqs(filter = ">"): Promise<number[]> {
  return (await readStream(stack.nc, DEAD_LETTERS_STREAM, filter)).map((m) => m.seq);
}

describe("castbus dlq list and show", () => {
  it("lists dead letters with their reason, event id and error, as a table and as JSON", async () => {
    await stack.workerDeadLetter("custom:list-1", "alerts");
    await stack.ingestDeadLetter("twitch", "{not json");
    const human = await stack.cli(["dlq", "list"]);
    expect(human.code).toBe(0);
    const [header, first, second, footer] = lines(human.stdout);
    expect(header).toMatch(/^\s*SEQ\s+STORED\s+SUBJECT\s+REASON\s+EVENT ID\s+ERROR$/);
    expect(first).toMatch(
      /dlq\.worker\.alerts\s+handler_failed\s+custom:list-1\s+boom: handler threw/,
    );
    expect(second).toMatch(/dlq\.ingest\.twitch\s+invalid_json\s+-\s+Unexpected token/);
    expect(footer).toBe("2 dead letters");
    expect(human.stdout).not.toContain("\u001b["); // not a TTY: no colours

    const json = await stack.cli(["dlq", "list", "--subject", "worker.alerts", "--json"]);
    const doc = JSON.parse(json.stdout) as { deadLetters: Record<string, unknown>[] };
    expect(doc.deadLetters).toHaveLength(1);
    expect(doc.deadLetters[0]).toMatchObject({
      subject: "dlq.worker.alerts",
      reason: "handler_failed",
      eventId: "custom:list-1",
      originalSubject: "events.custom.test",
      headers: { "Castbus-Consumer": "alerts", "Castbus-Deliveries": "5" },
    });
  });

  it("limits the list and says how to see the rest", async () => {
    for (const id of ["a", "b", "c"]) await stack.workerDeadLetter(`custom:limit-${id}`);
    const result = await stack.cli(["dlq", "list", "--limit", "2"]);
    expect(lines(result.stdout)).toHaveLength(4);
    expect(result.stdout).toContain("showing the first 2; --limit 0 shows all");
    const json = JSON.parse((await stack.cli(["dlq", "list", "--limit", "2", "--json"])).stdout);
    expect(json.truncated).toBe(true);
  });

  it("shows one dead letter with every header and the pretty payload", async () => {
    const ack = await stack.workerDeadLetter("custom:show-1");
    const human = await stack.cli(["dlq", "show", String(ack.seq)]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^dead letter ${ack.seq} on dlq\\.worker\\.workers`));
    expect(human.stdout).toMatch(/Castbus-Reason\s+handler_failed/);
    expect(human.stdout).toMatch(/Castbus-Original-Subject\s+events\.custom\.test/);
    expect(human.stdout).toContain('  "id": "custom:show-1"');
    const json = JSON.parse((await stack.cli(["dlq", "show", String(ack.seq), "--json"])).stdout);
    expect(json).toMatchObject({ seq: ack.seq, payload: { id: "custom:show-1" }, text: null });
    const missing = await stack.cli(["dlq", "show", "9999"]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: "castbus dlq show: no dead letter at sequence 9999\n",
    });
  });
});

describe("castbus dlq redrive", () => {
  it("republishes on the original subject with the envelope id as Nats-Msg-Id, then deletes the dead letter", async () => {
    const ack = await stack.workerDeadLetter("custom:redrive-new-1");
    const result = await stack.cli(["dlq", "redrive", String(ack.seq)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^redrove 1 dead letter: 1 stored again, 0 duplicate/);
    expect(result.stdout).toMatch(/→ events\.custom\.test\s+stored as EVENTS seq \d+/);
    const stored = await readStream(stack.nc, EVENTS_STREAM, "events.custom.test");
    const copy = stored.find((m) => m.headers["Nats-Msg-Id"] === "custom:redrive-new-1");
    expect(copy?.json<CastbusEvent>().id).toBe("custom:redrive-new-1");
    expect(await deadLetterSeqs()).toEqual([]);
  });

  it("is deduplicated when EVENTS already holds the event: nothing new stored, dead letter kept unless --delete-duplicates", async () => {
    const envelope = createEnvelope({
      id: "custom:made-it",
      source: "cli/t",
      type: "custom.test",
      data: {},
    });
    await stack.publisher.publish({
      subject: subjectForType(envelope.type),
      data: Buffer.from(JSON.stringify(envelope)),
      msgId: envelope.id,
    });
    const before = await countStream(stack.nc, EVENTS_STREAM);
    const ack = await stack.workerDeadLetter("custom:made-it");
    const kept = await stack.cli(["dlq", "redrive", String(ack.seq), "--json"]);
    expect(kept.code).toBe(0);
    const doc = JSON.parse(kept.stdout);
    expect(doc.results[0]).toMatchObject({
      outcome: "duplicate",
      id: "custom:made-it",
      target: "events.custom.test",
      deadLetterDeleted: false,
    });
    expect(await countStream(stack.nc, EVENTS_STREAM)).toBe(before);
    expect(await deadLetterSeqs()).toEqual([ack.seq]);

    const human = await stack.cli(["dlq", "redrive", String(ack.seq)]);
    expect(human.stdout).toMatch(
      /duplicate: EVENTS seq \d+ holds custom:made-it \(within its 2m duplicate window\); dead letter kept/,
    );
    const deleted = await stack.cli(["dlq", "redrive", String(ack.seq), "--delete-duplicates"]);
    expect(deleted.stdout).toContain("dead letter deleted");
    expect(await deadLetterSeqs()).toEqual([]);
    expect(await countStream(stack.nc, EVENTS_STREAM)).toBe(before);
  });

  it("redrives what a real worker dead-lettered (subscribe() with a failing handler, maxDeliver 1)", async () => {
    const router = new EventRouter().on("custom.fails", () => {
      throw new Error("handler is broken");
    });
    const logs = new LineCapture();
    const sub = await subscribe(router, {
      nc: stack.nc,
      group: "failing",
      subjects: ["events.custom.fails"],
      maxDeliver: 1,
      logger: createLogger({ service: "test", level: "error", destination: logs }),
    });
    const envelope = createEnvelope({
      id: "custom:fails-1",
      source: "cli/t",
      type: "custom.fails",
      data: {},
    });
    await stack.publisher.publish({
      subject: "events.custom.fails",
      data: Buffer.from(JSON.stringify(envelope)),
      msgId: envelope.id,
    });
    const [dead] = await waitFor(async () => {
      const found = await readStream(stack.nc, DEAD_LETTERS_STREAM, "dlq.worker.failing");
      return found.length > 0 ? found : undefined;
    });
    await sub.stop();
    const list = JSON.parse((await stack.cli(["dlq", "list", "--json"])).stdout);
    expect(list.deadLetters[0]).toMatchObject({ seq: dead!.seq, reason: "handler_failed" });
    const result = JSON.parse(
      (await stack.cli(["dlq", "redrive", "--subject", "dlq.worker.failing", "--json"])).stdout,
    );
    // The event is still in EVENTS inside the duplicate window: JetStream deduplicates the redrive.
    expect(result.results).toEqual([
      expect.objectContaining({
        seq: dead!.seq,
        id: "custom:fails-1",
        target: "events.custom.fails",
        outcome: "duplicate",
      }),
    ]);
  });

  it("selects by subject and time range, and asks before redriving more than one", async () => {
    const old = await stack.workerDeadLetter("custom:range-old", "a");
    await new Promise((r) => setTimeout(r, 30));
    const since = new Date().toISOString();
    const a = await stack.workerDeadLetter("custom:range-1", "a");
    const b = await stack.workerDeadLetter("custom:range-2", "a");
    await stack.workerDeadLetter("custom:range-other", "b");
    const refused = await stack.cli([
      "dlq",
      "redrive",
      "--subject",
      "dlq.worker.a",
      "--since",
      since,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^castbus dlq redrive: redrive 2 dead letters .* refusing without confirmation; pass --yes\n$/,
    );
    const dry = JSON.parse(
      (
        await stack.cli([
          "dlq",
          "redrive",
          "--subject",
          "dlq.worker.a",
          "--since",
          since,
          "--dry-run",
          "--json",
        ])
      ).stdout,
    );
    expect(dry.results.map((r: { seq: number }) => r.seq)).toEqual([a.seq, b.seq]);
    expect(dry.counts.planned).toBe(2);
    const confirmed = await stack.cli(
      ["dlq", "redrive", "--subject", "dlq.worker.a", "--since", since],
      { stdinTTY: true, input: "y\n" },
    );
    expect(confirmed.stderr).toContain("redrive 2 dead letters to their original subjects? [y/N]");
    expect(confirmed.code).toBe(0);
    expect(await deadLetterSeqs("dlq.worker.a")).toEqual([old.seq]);
  });

  it("refuses ingest dead letters: raw upstream payloads are not events", async () => {
    const ack = await stack.ingestDeadLetter("twitch", "{broken");
    const bySeq = await stack.cli(["dlq", "redrive", String(ack.seq)]);
    expect(bySeq.code).toBe(1);
    expect(lines(bySeq.stderr)).toHaveLength(1);
    expect(bySeq.stderr).toMatch(
      /dead letter \d+ is on dlq\.ingest\.twitch: ingest dead letters hold raw upstream payloads/,
    );
    const bySubject = await stack.cli(["dlq", "redrive", "--subject", "ingest.twitch", "--yes"]);
    expect(bySubject.code).toBe(1);
    expect(await deadLetterSeqs()).toEqual([ack.seq]);
  });
});

describe("castbus dlq purge", () => {
  it("refuses without confirmation on a non-TTY unless --yes, and a TTY 'no' changes nothing", async () => {
    await stack.workerDeadLetter("custom:purge-1");
    const refused = await stack.cli(["dlq", "purge", "--all"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "castbus dlq purge: purge 1 dead letter on dlq.>? — refusing without confirmation; pass --yes\n",
    );
    const no = await stack.cli(["dlq", "purge", "--all"], { stdinTTY: true, input: "n\n" });
    expect(no.code).toBe(1);
    expect(await deadLetterSeqs()).toHaveLength(1);
    const yes = await stack.cli(["dlq", "purge", "--all", "--yes", "--json"]);
    expect(JSON.parse(yes.stdout)).toEqual({ purged: 1, matched: 1, dryRun: false });
    expect(await deadLetterSeqs()).toEqual([]);
  });

  it("purges by subject, or by sequence, and leaves the rest", async () => {
    const keep = await stack.workerDeadLetter("custom:keep", "keep");
    await stack.ingestDeadLetter("obs", "x1");
    await stack.ingestDeadLetter("obs", "x2");
    const one = await stack.workerDeadLetter("custom:one", "other");
    const dry = await stack.cli(["dlq", "purge", "--subject", "ingest.obs", "--dry-run"]);
    expect(dry.stdout).toBe("2 dead letters match; nothing purged\n");
    const subject = await stack.cli(["dlq", "purge", "--subject", "ingest.obs", "--yes"]);
    expect(subject).toMatchObject({ code: 0, stdout: "purged 2 dead letters\n" });
    const bySeq = await stack.cli(["dlq", "purge", String(one.seq), "--yes"]);
    expect(bySeq.stdout).toBe("purged 1 dead letter\n");
    expect(await deadLetterSeqs()).toEqual([keep.seq]);
  });

  it("draws a progress line on stderr when it is a terminal, and none otherwise", async () => {
    const seqs: number[] = [];
    for (const id of ["p1", "p2", "p3", "p4"])
      seqs.push((await stack.workerDeadLetter(`custom:${id}`)).seq);
    const quiet = await stack.cli(["dlq", "redrive", String(seqs[0]), String(seqs[1]), "--yes"]);
    expect(quiet.stderr).toBe("");
    const redrive = await stack.cli(["dlq", "redrive", String(seqs[2]), String(seqs[3]), "--yes"], {
      stderrTTY: true,
    });
    expect(redrive.stderr).toContain("redriving 2/2");
    for (const id of ["q1", "q2", "q3"])
      seqs.push((await stack.workerDeadLetter(`custom:${id}`)).seq);
    const purge = await stack.cli(["dlq", "purge", seqs.slice(4).join(","), "--yes"], {
      stderrTTY: true,
    });
    expect(purge.stderr).toContain("purging 3/3");
    expect(purge.stdout).toBe("purged 3 dead letters\n");
  });

  it("needs a selection: no arguments is a usage error", async () => {
    const result = await stack.cli(["dlq", "purge"]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)[0]).toBe(
      "castbus dlq purge: select dead letters: give sequences, --subject, --since/--until or --all",
    );
    expect(result.stderr).toContain("usage: castbus dlq purge");
  });
});
