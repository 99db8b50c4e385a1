import { describe, expect, it } from "vitest";
import { Readiness } from "../src/index.js";

/** Lets the clock move on, so a new `since` would differ from the old one. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("Readiness", () => {
  it("is not ready before any check is declared", () => {
    expect(new Readiness().report()).toEqual({ ready: false, checks: {} });
  });

  it("declares checks as not ok with reason 'starting'", () => {
    const readiness = new Readiness();
    readiness.declare("nats", "streams");
    const report = readiness.report();
    expect(report.ready).toBe(false);
    expect(Object.keys(report.checks)).toEqual(["nats", "streams"]);
    for (const check of Object.values(report.checks)) {
      expect(check).toMatchObject({ ok: false, reason: "starting" });
      expect(new Date(check.since).toISOString()).toBe(check.since);
    }
  });

  it("is ready only once every declared check is ok", () => {
    const readiness = new Readiness();
    readiness.declare("nats", "streams");
    readiness.set("nats", true);
    expect(readiness.report().ready).toBe(false);
    readiness.set("streams", true);
    expect(readiness.report().ready).toBe(true);
    readiness.set("nats", false, "disconnected");
    expect(readiness.report().ready).toBe(false);
    expect(readiness.get("nats")).toMatchObject({ ok: false, reason: "disconnected" });
  });

  it("does not reset a check that was already declared", () => {
    const readiness = new Readiness();
    readiness.declare("nats");
    readiness.set("nats", true);
    readiness.declare("nats");
    expect(readiness.get("nats")?.ok).toBe(true);
  });

  it("drops the reason of an ok check", () => {
    const readiness = new Readiness();
    readiness.set("nats", true, "connected");
    expect(readiness.get("nats")).toEqual({ ok: true, since: expect.any(String) as unknown });
  });

  it("keeps since when the same state is set again", async () => {
    const readiness = new Readiness();
    readiness.set("upstream:alice", false, "HTTP 503");
    const first = readiness.get("upstream:alice")?.since;
    await tick();
    readiness.set("upstream:alice", false, "HTTP 503");
    expect(readiness.get("upstream:alice")?.since).toBe(first);

    readiness.set("nats", true);
    const okSince = readiness.get("nats")?.since;
    await tick();
    readiness.set("nats", true);
    expect(readiness.get("nats")?.since).toBe(okSince);
  });

  // An ok check stores no reason, so a caller passing one on every success (e.g.
  // `set(name, ok, ok ? "authorized" : error.message)`) never matches the stored state.
  it("keeps since when an ok check is set again with a reason", async () => {
    const readiness = new Readiness();
    readiness.set("upstream:alice", true, "authorized");
    const first = readiness.get("upstream:alice")?.since;
    await tick();
    readiness.set("upstream:alice", true, "authorized");
    expect(readiness.get("upstream:alice")?.since).toBe(first);
  });

  it("moves since when the state changes", async () => {
    const readiness = new Readiness();
    readiness.set("nats", false, "connecting");
    const first = readiness.get("nats")?.since;
    await tick();
    readiness.set("nats", false, "auth failed");
    expect(readiness.get("nats")?.since).not.toBe(first);
  });

  it("forgets a deleted check", () => {
    const readiness = new Readiness();
    readiness.declare("nats", "upstream:bob");
    readiness.set("nats", true);
    readiness.delete("upstream:bob");
    expect(readiness.get("upstream:bob")).toBeUndefined();
    expect(readiness.report().ready).toBe(true);
  });

  it("reports an unknown check as undefined", () => {
    expect(new Readiness().get("nats")).toBeUndefined();
  });
});
