import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { UnknownAccountError } from "../chaturbate/errors.js";
import { Random } from "../chaturbate/random.js";
import { GeneratorSchedule } from "../chaturbate/schedule.js";
import { answer } from "./api.js";
import { Chat } from "./chat.js";
import { TOKENBOWL_CONTROL_PREFIX, handleTokenBowlControl } from "./control.js";
import {
  TokenBowlFaultQueue,
  malformedReply,
  statusReply,
  type TokenBowlFault,
  type TokenBowlFaultOptions,
} from "./faults.js";
import { League } from "./league.js";
import { resolveTokenBowlOptions, type TokenBowlSimulatorOptions } from "./options.js";
import { INTERNAL_ERROR, writeReply } from "./reply.js";
import { TokenBowlRequestLog, type TokenBowlRequest } from "./request-log.js";
import { ChatStore, type Role, type SimUser } from "./store.js";
import { MicroClock } from "./timestamps.js";
import type { TokenBowlWireMessage } from "./wire.js";

/** Options of {@link TokenBowlSimulator.register}. */
export interface RegisterOptions {
  readonly role?: Role;
  /** 32–128 characters; default a random 64-hex key, as the server issues. */
  readonly apiKey?: string;
  readonly logo?: string;
  readonly emoji?: string;
  readonly webhookUrl?: string;
}

/** A running Token Bowl server fake. */
export interface TokenBowlSimulator {
  /** `http://<host>:<port>`: what `TOKENBOWL_URL` is set to. */
  readonly url: string;
  /** Registers an account (as `POST /register` would, any role) and returns its API key. */
  register(username: string, options?: RegisterOptions): string;
  /** Rotates the account's key (`POST /users/me/regenerate-api-key`); the old one fails at once. */
  regenerateKey(username: string): string;
  /** Deletes the account; its messages stay, with `from_user_id: ""`. */
  deleteUser(username: string): void;
  /**
   * Posts as `fromUser` with the server's rules (403 role, 404 recipient, 400 viewer recipient,
   * thrown as `ReplyError`). `timestamp` overrides the clock (ties, whole seconds).
   */
  post(
    fromUser: string,
    text: string,
    options?: { to?: string; timestamp?: string },
  ): TokenBowlWireMessage;
  /** Stores `item` to be served verbatim as a message (malformed-record tests). */
  postRaw(item: Readonly<Record<string, unknown>>): void;
  /** `count` realistic league messages at once (room only unless `dms`). */
  flood(count: number, options?: { dms?: boolean }): TokenBowlWireMessage[];
  /** League chat at `ratePerSecond` (some DMs to non-cast accounts); 0 stops it. */
  generate(ratePerSecond: number): void;
  /** The next `times` matching API requests get `fault`. */
  inject(fault: TokenBowlFault, options?: TokenBowlFaultOptions): void;
  clearFaults(): void;
  /** Switches between server ≤ 1.1.1 behaviour and 2.0.1 (takes effect on the next request). */
  setLegacy(enabled: boolean): void;
  /** Retained messages, oldest first, in the current wire shape (raw items as given). */
  messages(): TokenBowlWireMessage[];
  /** Every message ever stored, evicted ones too, oldest insert first. */
  posted(): TokenBowlWireMessage[];
  /** How many messages the 100-message retention has deleted so far. */
  readonly evicted: number;
  /** API requests, oldest first (no keys). */
  readonly requests: readonly TokenBowlRequest[];
  close(): Promise<void>;
}

interface Parts {
  readonly chat: Chat;
  readonly league: League;
  readonly faults: TokenBowlFaultQueue;
  readonly log: TokenBowlRequestLog;
  readonly schedule: GeneratorSchedule;
}

/** Starts a local fake of the Token Bowl Chat server (REST API, faults, `/__sim/` control). */
export async function startTokenBowlSimulator(
  options: TokenBowlSimulatorOptions = {},
): Promise<TokenBowlSimulator> {
  const resolved = resolveTokenBowlOptions(options);
  const chat = new Chat(new ChatStore(resolved.retention), new MicroClock(), {
    legacy: resolved.legacy,
  });
  for (const account of resolved.accounts) {
    chat.register({
      username: account.username,
      role: account.role ?? "member",
      ...(account.apiKey === undefined ? {} : { apiKey: account.apiKey }),
    });
  }
  const parts: Parts = {
    chat,
    league: new League(chat, new Random(resolved.seed)),
    faults: new TokenBowlFaultQueue(),
    log: new TokenBowlRequestLog(resolved.requestLogSize),
    schedule: new GeneratorSchedule(),
  };
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const simulator = build(server, resolved.host, parts);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(parts, simulator, req, res).catch(() => writeReply(res, INTERNAL_ERROR));
  });
  return simulator;
}

function build(server: Server, host: string, p: Parts): TokenBowlSimulator {
  const { chat } = p;
  const port = (server.address() as AddressInfo).port;
  const wire = (m: Parameters<Chat["wire"]>[0]) => chat.wire(m) as unknown as TokenBowlWireMessage;
  const user = (username: string): SimUser => {
    const found = chat.store.user(username);
    if (found === undefined) throw new UnknownAccountError(username);
    return found;
  };
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`,
    register: (username, o = {}) =>
      chat.register({ username, role: o.role ?? "member", ...o }).apiKey,
    regenerateKey: (username) => chat.store.rotateKey(user(username)),
    deleteUser: (username) => chat.store.deleteUser(user(username)),
    post: (fromUser, text, o = {}) => {
      const stored = chat.post(user(fromUser), text, o.to, o.timestamp);
      void chat.deliverWebhooks(stored);
      return wire(stored);
    },
    postRaw: (item) => void chat.postRaw(item),
    flood: (count, o = {}) =>
      Array.from({ length: count }, () => wire(p.league.speak({ room: o.dms !== true }))),
    generate: (rate) => p.schedule.start("league", rate, () => void p.league.speak()),
    inject: (fault, faultOptions) => p.faults.add(fault, faultOptions),
    clearFaults: () => p.faults.clear(),
    setLegacy: (enabled) => void (chat.mode.legacy = enabled),
    messages: () => chat.store.retained().map(wire),
    posted: () => chat.store.posted().map(wire),
    get evicted() {
      return chat.store.evicted;
    },
    get requests() {
      return p.log.all();
    },
    close: () => {
      p.schedule.stopAll();
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function route(
  p: Parts,
  sim: TokenBowlSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // A fixed dummy origin: `new URL("//x/y", base)` would otherwise read "x" as a host.
  const url = new URL(`http://simulator${req.url ?? "/"}`);
  if (url.pathname.startsWith(TOKENBOWL_CONTROL_PREFIX)) {
    return handleTokenBowlControl(sim, req, res, url);
  }
  const method = req.method ?? "GET";
  const entry = p.log.start(method, url);
  const fault = p.faults.take(method, url.pathname);
  if (fault !== undefined) entry.fault = fault.kind;
  if (fault?.kind === "reset") return void res.destroy();
  if (fault?.kind === "delay") await sleep(fault.ms);
  if (fault?.kind === "arrive") sim.flood(fault.count);
  let reply =
    fault?.kind === "status" && fault.after !== true
      ? statusReply(fault)
      : await answer(p.chat, req, url, (caller) => (entry.username = caller.username));
  if (fault?.kind === "status") reply = statusReply(fault);
  if (fault?.kind === "malformed") reply = malformedReply(reply, fault.body);
  writeReply(res, reply);
  entry.status = reply.status;
}
