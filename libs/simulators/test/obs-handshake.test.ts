import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticationString, startObsSimulator, type ObsSimulator } from "../src/obs/index.js";
import { connectClient, openRaw, type RawClient } from "./obs-client.js";

const PASSWORD = "supersecretpassword";

let sim: ObsSimulator;
beforeAll(async () => {
  sim = await startObsSimulator({ password: PASSWORD });
});
afterAll(() => sim.close());

/** Opens a socket and waits for Hello. */
async function hello(url = sim.url): Promise<{ client: RawClient; d: Record<string, unknown> }> {
  const client = await openRaw(url);
  return { client, d: (await client.next((f) => f.op === 0)).d };
}

describe("obs simulator: authentication", () => {
  it("computes the reference's authentication test vectors", () => {
    const salt = "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=";
    const challenge = "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY=";
    expect(authenticationString(PASSWORD, salt, challenge)).toBe(
      "1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4=",
    );
    expect(
      authenticationString(PASSWORD, "PZVbYpvAnZut2SS6JNJytDm9", "ztTBnnuqrqaKDzRM3xcVdbYm"),
    ).toBe("zZgWipvwSGrw748kHN4gNpBC1IaeiiWX3Hjkrm849Sc=");
    expect(authenticationString("pässwörd", salt, challenge)).toBe(
      "EQKMY100Jhu9ol7EIpj/3nBRtbd6ZI8B1gTQSLW2zoI=",
    );
  });

  it("sends Hello at once with one salt per server start and a fresh challenge per connection", async () => {
    const a = await hello();
    const b = await hello();
    expect(a.d).toMatchObject({
      obsWebSocketVersion: "5.7.3",
      rpcVersion: 1,
      obsStudioVersion: "31.1.2",
    });
    const authA = a.d["authentication"] as { salt: string; challenge: string };
    const authB = b.d["authentication"] as { salt: string; challenge: string };
    expect(authA.salt).toBe(authB.salt);
    expect(authA.challenge).not.toBe(authB.challenge);
    expect(Buffer.from(authA.salt, "base64")).toHaveLength(32);
    // Keys come out sorted and without whitespace, like nlohmann::json.
    expect(a.client.texts[0]).toMatch(/^\{"d":\{"authentication":\{"challenge":"/);
    a.client.ws.close();
    b.client.ws.close();
  });

  it("identifies with the right authentication string and answers Identified", async () => {
    const client = await connectClient(sim.url, { password: PASSWORD, eventSubscriptions: 68 });
    expect(client.frames.find((f) => f.op === 2)?.d).toEqual({ negotiatedRpcVersion: 1 });
    expect(sim.connections.at(-1)).toMatchObject({
      identified: true,
      eventSubscriptions: 68,
      subprotocol: "obswebsocket.json",
    });
    client.ws.close();
  });

  it.each([
    [
      "no authentication",
      {},
      "Your payload's data is missing an `authentication` string, however authentication is required.",
    ],
    [
      "a non-string authentication",
      { authentication: 42 },
      "Your `authentication` field is not a string.",
    ],
    ["a wrong hash", { authentication: "bm9wZQ==" }, "Authentication failed."],
    [
      "a wrong hash even with a bad rpcVersion (auth is checked first)",
      { authentication: "x", rpcVersion: 9 },
      "Authentication failed.",
    ],
  ])("closes 4009 for %s", async (_what, extra, reason) => {
    const { client } = await hello();
    client.send({ op: 1, d: { rpcVersion: 1, ...extra } });
    expect(await client.closed).toEqual({ code: 4009, reason });
  });
});

describe("obs simulator: handshake close codes", () => {
  let open: ObsSimulator;
  beforeAll(async () => {
    open = await startObsSimulator({ obsWebSocketVersion: "5.0.1" });
  });
  afterAll(() => open.close());

  const cases: [string, unknown, number, string][] = [
    [
      "a 4.x client",
      { "request-type": "GetVersion", "message-id": "1" },
      4010,
      "You appear to be attempting to connect with the pre-5.0.0 plugin protocol. Check to make sure your client is updated.",
    ],
    [
      "rpcVersion 2",
      { op: 1, d: { rpcVersion: 2 } },
      4010,
      "Your requested RPC version is not supported by this server.",
    ],
    [
      "a missing rpcVersion",
      { op: 1, d: {} },
      4003,
      "Your payload's data is missing an `rpcVersion`.",
    ],
    [
      "a negative rpcVersion",
      { op: 1, d: { rpcVersion: -1 } },
      4004,
      "Your `rpcVersion` is not an unsigned number.",
    ],
    [
      "a bad eventSubscriptions",
      { op: 1, d: { rpcVersion: 1, eventSubscriptions: "all" } },
      4004,
      "Your `eventSubscriptions` is not an unsigned number.",
    ],
    [
      "a request before Identify",
      { op: 6, d: { requestType: "GetVersion", requestId: "1" } },
      4007,
      "You attempted to send a non-Identify message while not identified.",
    ],
    ["a missing op", { d: {} }, 4006, "Your request is missing an `op`."],
    ["a string op", { op: "1", d: {} }, 4006, "Your `op` is not a number."],
    ["a missing d", { op: 1 }, 4003, "Your payload is missing data (`d`)."],
    ["a non-object d", { op: 1, d: [] }, 4004, "Your payload's data (`d`) is not an object."],
    ["a non-object payload", [1, 2], 4002, "You sent a non-object payload."],
  ];
  it.each(cases)("closes for %s", async (_what, message, code, reason) => {
    const { client } = await hello(open.url);
    client.send(message);
    expect(await client.closed).toEqual({ code, reason });
  });

  it("closes 4002 for undecodable JSON and for a binary frame on a JSON session", async () => {
    const a = await hello(open.url);
    a.client.ws.send("{not json");
    expect(await a.client.closed).toMatchObject({
      code: 4002,
      reason: expect.stringMatching(/^Unable to decode Json: /),
    });
    const b = await hello(open.url);
    b.client.ws.send(Buffer.from([1, 2, 3]));
    expect(await b.client.closed).toEqual({
      code: 4002,
      reason: "Your session encoding is set to Json, but a binary message was received.",
    });
  });

  it("closes 4008 for a second Identify and 4006 for an op a client may not send", async () => {
    const a = await connectClient(open.url);
    a.send({ op: 1, d: { rpcVersion: 1 } });
    expect(await a.closed).toEqual({
      code: 4008,
      reason: "You are already Identified with the obs-websocket server.",
    });
    const b = await connectClient(open.url);
    b.send({ op: 5, d: {} });
    expect(await b.closed).toEqual({ code: 4006, reason: "Unknown OpCode: 5" });
  });

  it("answers Reidentify with Identified and keeps the mask when eventSubscriptions is omitted", async () => {
    const client = await connectClient(open.url, { eventSubscriptions: 4 });
    client.send({ op: 3, d: {} });
    await client.next((f) => f.op === 2 && client.frames.filter((x) => x.op === 2).length === 2);
    expect(open.connections.at(-1)!.eventSubscriptions).toBe(4);
    client.send({ op: 3, d: { eventSubscriptions: 64 } });
    await client.next(() => client.frames.filter((x) => x.op === 2).length === 3);
    expect(open.connections.at(-1)!.eventSubscriptions).toBe(64);
    client.ws.close();
  });

  it("emulates 5.0.x: no authentication key without a password, no obsStudioVersion, All = 2047", async () => {
    const { client, d } = await hello(open.url);
    expect(d).toEqual({ obsWebSocketVersion: "5.0.1", rpcVersion: 1 });
    client.send({ op: 1, d: { rpcVersion: 1 } });
    await client.next((f) => f.op === 2);
    expect(open.connections.at(-1)!.eventSubscriptions).toBe(2047);
    client.ws.close();
  });
});

describe("obs simulator: subprotocols", () => {
  it("selects obswebsocket.json in the client's order, and none (JSON) when it was not offered", async () => {
    const offered = await openRaw(sim.url, ["obswebsocket.msgpack", "obswebsocket.json"]);
    expect(offered.ws.protocol).toBe("obswebsocket.json");
    offered.ws.close();
    const none = await openRaw(sim.url, []);
    expect(none.ws.protocol).toBe("");
    expect((await none.next((f) => f.op === 0)).d).toHaveProperty("rpcVersion", 1);
    none.ws.close();
  });

  it("can select no subprotocol on request, which clients that asked for one reject", async () => {
    sim.inject({ kind: "no-subprotocol" });
    await expect(openRaw(sim.url)).rejects.toThrow(/no subprotocol/);
    const after = await openRaw(sim.url);
    expect(after.ws.protocol).toBe("obswebsocket.json");
    after.ws.close();
  });

  it("can accept a socket and never send Hello", async () => {
    sim.inject({ kind: "silent-hello" });
    const client = await openRaw(sim.url);
    await expect(client.next((f) => f.op === 0, 300)).rejects.toThrow(/no matching frame/);
    client.ws.close();
  });
});
