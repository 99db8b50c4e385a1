// Example handler module: turn big tips and cheers into `custom.alert` events, which an overlay,
// a sound player or another worker group subscribes to (`events.custom.alert`).
//
//   WORKER_HANDLERS=services/worker/examples/tip-alerts.ts node services/worker/dist/main.js
//
// Env: ALERT_MIN_TOKENS (default 50), ALERT_MIN_BITS (default 100).
import { minAmount, type EventRouter, type WorkerSetup } from "@castbus/router";

export default function register(router: EventRouter, worker: WorkerSetup): void {
  const minTokens = Number(worker.env["ALERT_MIN_TOKENS"] ?? 50);
  const minBits = Number(worker.env["ALERT_MIN_BITS"] ?? 100);

  router.on(
    "chaturbate.tip",
    async (event, ctx) => {
      const { user, tokens, text, isAnon } = event.data;
      await ctx.emit("custom.alert", {
        kind: "tip",
        from: isAnon ? "anonymous" : user.username,
        amount: tokens,
        unit: "tokens",
        message: text,
        source: event.source,
      });
    },
    { name: "tip-alert", filter: minAmount(minTokens) },
  );

  router.on(
    "twitch.cheer",
    async (event, ctx) => {
      const data = event.data as {
        user?: { displayName?: string; username?: string };
        bits?: number;
        text?: string;
      };
      await ctx.emit("custom.alert", {
        kind: "cheer",
        from: data.user?.displayName ?? data.user?.username ?? "anonymous",
        amount: data.bits ?? 0,
        unit: "bits",
        message: data.text ?? "",
        source: event.source,
      });
    },
    { name: "cheer-alert", filter: minAmount(minBits) },
  );
}
