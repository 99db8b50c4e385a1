import type { Logger } from "@castbus/telemetry";
import type { Member } from "./member.js";
import type { TokenInfo } from "./tokens.js";
import { SUBSCRIPTIONS, type SubscriptionType } from "./upstream.js";

/** One subscription to create for a broadcaster. */
export interface PlannedSubscription {
  readonly type: SubscriptionType;
  readonly version: string;
  readonly condition: Readonly<Record<string, string>>;
}

/** A type that cannot work with this token, and why (reported once, not retried). */
export interface SkippedSubscription {
  readonly type: SubscriptionType;
  readonly reason: string;
}

/** What to subscribe to for one broadcaster with one token. */
export interface SubscriptionPlan {
  readonly planned: readonly PlannedSubscription[];
  readonly skipped: readonly SkippedSubscription[];
  /** `max_total_cost` this broadcaster uses (cost-1 types of a channel that is not the token's). */
  readonly cost: number;
}

/**
 * Works out the conditions of each enabled type for `broadcasterId` (§4): chat is read as the
 * token's user, follows are read as the token's user acting as moderator, raids are the
 * incoming ones (`to_broadcaster_user_id`). Types whose scope the token lacks, or that need the
 * broadcaster's own token while the token belongs to someone else, are skipped with a reason
 * instead of being sent to get a 403.
 */
export function planSubscriptions(
  broadcasterId: string,
  types: readonly SubscriptionType[],
  token: TokenInfo,
): SubscriptionPlan {
  const planned: PlannedSubscription[] = [];
  const skipped: SkippedSubscription[] = [];
  let cost = 0;
  for (const type of types) {
    const spec = SUBSCRIPTIONS[type];
    const scopes: readonly string[] = spec.scopes;
    if (scopes.length > 0 && !scopes.some((scope) => token.scopes.includes(scope))) {
      skipped.push({ type, reason: `the token lacks the scope ${scopes.join(" or ")}` });
      continue;
    }
    if (spec.authorizer === "broadcaster" && token.userId !== broadcasterId) {
      skipped.push({
        type,
        reason: `needs a token of the broadcaster ${broadcasterId}; the token belongs to ${token.login}`,
      });
      continue;
    }
    if (spec.costsWhenUnauthorized && token.userId !== broadcasterId) cost += 1;
    planned.push({ type, version: spec.version, condition: condition(type, broadcasterId, token) });
  }
  return { planned, skipped, cost };
}

/** Plans one broadcaster, logs each skipped type once, and returns the plan's cost. */
export function planMember(
  member: Member,
  types: readonly SubscriptionType[],
  token: TokenInfo,
  logger: Logger,
): number {
  const plan = planSubscriptions(member.broadcasterId, types, token);
  member.plan(plan.planned, plan.skipped);
  for (const skipped of plan.skipped) {
    logger.warn(
      { broadcasterId: member.broadcasterId, type: skipped.type, reason: skipped.reason },
      "not subscribing to this type; the other types still run",
    );
  }
  return plan.cost;
}

function condition(
  type: SubscriptionType,
  broadcasterId: string,
  token: TokenInfo,
): Record<string, string> {
  switch (SUBSCRIPTIONS[type].authorizer) {
    case "chatter":
      return { broadcaster_user_id: broadcasterId, user_id: token.userId };
    case "moderator":
      return { broadcaster_user_id: broadcasterId, moderator_user_id: token.userId };
    default:
      return type === "channel.raid"
        ? { to_broadcaster_user_id: broadcasterId }
        : { broadcaster_user_id: broadcasterId };
  }
}
