import { createHash } from "node:crypto";
import { findSecret, waitFor } from "@castbus/testing";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, getLocal, startStack, upstreamCheck, type Stack } from "./harness.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

/** The salt of the running server (the same for every connection until it restarts). */
async function salt(url: string): Promise<string> {
  const ws = new WebSocket(url, "obswebsocket.json");
  const data = await new Promise<string>((resolve) =>
    ws.once("message", (message: Buffer) => resolve(message.toString())),
  );
  ws.close();
  return (JSON.parse(data) as { d: { authentication: { salt: string } } }).d.authentication.salt;
}

describe("ingester-obs: secrets", () => {
  it("never writes the password, a wrong one, or the password-equivalent hash into logs, metrics or readiness", async () => {
    const good = await stack.connected();
    stack.sim.setScene("BRB");
    await stack.sim.startRecording();
    await stack.waitForType("obs.recording_started");
    await stack.sim.crash();
    await stack.sim.start();
    await stack.waitForType("obs.recording_stopped");
    const wrong = "Wr0ngPassw0rdXYZ";
    const refused = await stack.ingester({ OBS_PASSWORD: wrong, HTTP_PORT: "0" });
    await waitFor(async () => (await upstreamCheck(refused)).reason?.startsWith("auth:") === true);
    // base64(sha256(password + salt)) authenticates as well as the password does.
    const derived = createHash("sha256")
      .update(PASSWORD + (await salt(stack.sim.url)))
      .digest("base64");
    const texts = [...stack.logs.lines];
    for (const ingester of [good, refused]) {
      texts.push(
        (await getLocal(ingester.port, "/metrics")).text,
        (await getLocal(ingester.port, "/readyz")).text,
      );
    }
    texts.push(...(await stack.events()).map((m) => m.text));
    expect(texts.length).toBeGreaterThan(10);
    for (const secret of [PASSWORD, wrong, derived]) expect(findSecret(texts, secret)).toEqual([]);
  });
});
