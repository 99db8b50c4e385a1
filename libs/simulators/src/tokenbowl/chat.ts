import { setTimeout as sleep } from "node:timers/promises";
import { detail } from "./reply.js";
import type { ChatStore, NewUser, SimUser, StoredMessage } from "./store.js";
import { pythonIsoUtc, type MicroClock } from "./timestamps.js";
import { toWireMessage } from "./wire.js";

/** Webhook delivery as `webhook.py` does it: 10 s per attempt, 3 attempts, 1 s then 2 s apart. */
const WEBHOOK_TIMEOUT_MS = 10_000;
const WEBHOOK_PAUSES_MS = [1000, 2000];

/**
 * The chat's rules, shared by the HTTP API and the programmatic one: registration, who may send
 * what to whom (with the server's status codes and texts), storing, and webhook fan-out.
 * Failures are thrown as `ReplyError`s carrying the real answer.
 */
export class Chat {
  constructor(
    readonly store: ChatStore,
    readonly clock: MicroClock,
    readonly mode: { legacy: boolean },
  ) {}

  /** The server's current time as it would store it. */
  now(): string {
    return pythonIsoUtc(this.clock.now());
  }

  /** Registers an account; 409 when the name is taken. */
  register(input: NewUser): SimUser {
    if (this.store.user(input.username) !== undefined) {
      throw detail(409, `Username ${input.username} already exists`);
    }
    if (input.apiKey !== undefined && this.store.userByKey(input.apiKey) !== undefined) {
      throw detail(409, "API key already in use");
    }
    return this.store.addUser(input, this.now());
  }

  /**
   * Stores a message from `from` (to the room, or to `to`), checking role permissions (viewers
   * send nothing, bots no DMs), that the recipient exists (404) and is not a viewer (400).
   * `timestamp` overrides the clock (ties and whole-second stamps in tests).
   */
  post(from: SimUser, content: string, to?: string, timestamp?: string): StoredMessage {
    const direct = to !== undefined;
    // The 403 and viewer-400 texts are inferred (the reference quotes only their shape).
    const permission = direct ? "messages:send:direct" : "messages:send:room";
    if (from.role === "viewer" || (direct && from.role === "bot")) {
      throw detail(
        403,
        `Permission '${permission}' required. Your role '${from.role}' does not have this permission.`,
      );
    }
    const recipient = direct ? this.store.user(to) : undefined;
    if (direct && recipient === undefined) throw detail(404, `User ${to} not found`);
    if (recipient?.role === "viewer") {
      throw detail(400, "Cannot send direct messages to viewers");
    }
    return this.store.add({
      timestamp: timestamp ?? this.now(),
      fromUserId: from.id,
      fromUsername: from.username,
      toUserId: recipient?.id ?? null,
      toUsername: recipient?.username ?? null,
      content,
    });
  }

  /** Stores `item` to be served verbatim (a DM when it has a string `to_username`). */
  postRaw(item: Readonly<Record<string, unknown>>): StoredMessage {
    const to = typeof item["to_username"] === "string" ? item["to_username"] : null;
    const from = typeof item["from_username"] === "string" ? item["from_username"] : "";
    const at = item["timestamp"];
    return this.store.add({
      timestamp: typeof at === "string" ? at : this.now(),
      fromUserId: "",
      fromUsername: from,
      toUserId: null,
      toUsername: to,
      content: "",
      raw: item,
    });
  }

  /** A stored row in the current wire shape. */
  wire(message: StoredMessage): Readonly<Record<string, unknown>> {
    return toWireMessage(message, this.store, this.mode.legacy);
  }

  /**
   * POSTs the message to every webhook that should get it — the recipient of a DM; for a room
   * message every non-viewer except the sender — unsigned, and resolves when all attempts ended.
   */
  async deliverWebhooks(message: StoredMessage): Promise<void> {
    const targets = this.store
      .users()
      .filter((u) => u.webhookUrl !== null && u.id !== message.fromUserId)
      .filter((u) =>
        message.toUsername === null ? u.role !== "viewer" : u.username === message.toUsername,
      );
    const body = JSON.stringify(this.wire(message));
    await Promise.all(targets.map((u) => deliverOne(u.webhookUrl!, body)));
  }
}

async function deliverOne(url: string, body: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 300) return;
    } catch {
      // Timeouts and refused connections count as failed attempts, as in webhook.py.
    }
    const pause = WEBHOOK_PAUSES_MS[attempt];
    if (pause === undefined) return; // failures are only logged by the real server
    await sleep(pause);
  }
}
