import { HttpError } from "@castbus/http";
import type { Logger } from "@castbus/telemetry";
import type { CreateResult, Helix } from "./helix.js";
import type { Member, SubscriptionState } from "./member.js";
import type { PlannedSubscription } from "./plan.js";

/** What subscribing needs. */
export interface SubscriberDeps {
  readonly helix: Helix;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** False once the session these subscriptions were for is gone (their answers are moot). */
  readonly current: () => boolean;
  /** Deletes disabled subscriptions that may still count against the cost cap (once per round). */
  readonly cleanStale: () => Promise<void>;
}

/** How subscribing one broadcaster went. */
export type SubscribeOutcome = "ok" | "session_gone";

/** 400 for a session id Twitch no longer knows (a stale session). */
const SESSION_GONE = /session does not exist|already disconnected/i;

/**
 * Creates a broadcaster's subscriptions on `sessionId`, all at once (the 4003 deadline counts
 * from the welcome). 409 means it is already there (after a hand-off or our own retry); 403 is
 * a missing authorization, reported once and skipped; a 429 that is not the rate limit (cost or
 * transport caps) first deletes stale disabled subscriptions and tries again (§2.5).
 */
export async function subscribeMember(
  member: Member,
  sessionId: string,
  deps: SubscriberDeps,
  onlyFailed = false,
): Promise<SubscribeOutcome> {
  const todo = member.toCreate(onlyFailed);
  const states = await Promise.all(todo.map((p) => createOne(p, member, sessionId, deps)));
  if (states.includes("session_gone")) return "session_gone";
  if (!deps.current()) return "ok";
  member.sessionId = sessionId;
  todo.forEach((p, index) => member.states.set(p.type, states[index] as SubscriptionState));
  member.report();
  return "ok";
}

async function createOne(
  planned: PlannedSubscription,
  member: Member,
  sessionId: string,
  deps: SubscriberDeps,
): Promise<SubscriptionState | "session_gone"> {
  const log = deps.logger.child({ broadcasterId: member.broadcasterId, type: planned.type });
  let result: CreateResult;
  try {
    result = await deps.helix.createSubscription({ ...planned, sessionId }, deps.signal);
    if (result.status === 429) {
      await deps.cleanStale();
      result = await deps.helix.createSubscription({ ...planned, sessionId }, deps.signal);
    }
  } catch (error) {
    if (!(error instanceof HttpError) || !error.retryable) throw error;
    log.warn({ err: error }, "creating the subscription failed; retrying later");
    return { kind: "failed", reason: error.message, retryable: true };
  }
  return stateFor(result, log);
}

function stateFor(result: CreateResult, log: Logger): SubscriptionState | "session_gone" {
  if (result.status === 202) {
    return { kind: "enabled", id: "subscription" in result ? result.subscription.id : undefined };
  }
  const message = "message" in result ? result.message : "";
  const detail = `${result.status} ${message}`.trim();
  switch (result.status) {
    case 409:
      log.debug("subscription already exists (carried over)");
      return { kind: "enabled", id: undefined };
    case 403:
      log.error(
        { status: 403, detail: message },
        "Twitch refused this subscription: the token lacks the authorization it needs; the other types still run",
      );
      return { kind: "skipped", reason: `403 ${message}`.trim() };
    case 400:
      if (SESSION_GONE.test(message)) return "session_gone";
      break;
    case 429:
      log.error(
        { status: 429, detail: message },
        "Twitch refused this subscription: a per-token limit (max_total_cost 10, 3 connections, 3 per type and condition) is reached",
      );
      return { kind: "failed", reason: detail, retryable: true };
  }
  const retryable = result.status >= 500;
  log.error({ status: result.status, detail: message }, "Twitch refused this subscription");
  return { kind: "failed", reason: detail, retryable };
}

/**
 * Deletes this token's subscriptions that are no longer enabled: after a drop they may still
 * count against `max_total_cost` for a while (observed, pyTwitchAPI issue 351).
 */
export async function deleteStale(helix: Helix, signal: AbortSignal, logger: Logger) {
  const stale = (await helix.listSubscriptions(signal)).filter((sub) => sub.status !== "enabled");
  for (const sub of stale) await helix.deleteSubscription(sub.id, signal);
  if (stale.length > 0)
    logger.info({ deleted: stale.length }, "deleted stale disabled subscriptions");
}
