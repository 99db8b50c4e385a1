// Example handler module: thank every new follower (Twitch or Chaturbate) in the Token Bowl chat,
// at most once a day per person. The worker provides `ctx.services.tokenbowl` when it is
// configured with TOKENBOWL_URL and TOKENBOWL_API_KEY.
//
//   WORKER_HANDLERS=services/worker/examples/thank-followers.ts node services/worker/dist/main.js
import { cooldown, type EventRouter, type WorkerSetup } from "@castbus/router";

/** The part of a chat client this module needs. */
interface Chat {
  sendMessage(text: string): Promise<unknown>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export default function register(router: EventRouter, worker: WorkerSetup): void {
  if (worker.services["tokenbowl"] === undefined) {
    worker.logger.warn(
      "thank-followers: no tokenbowl service (set TOKENBOWL_URL and TOKENBOWL_API_KEY); thanks are only logged",
    );
  }
  router.on(
    "*.follow",
    async (event, ctx) => {
      const user = (event.data as { user?: { displayName?: string; username?: string } }).user;
      const name = user?.displayName ?? user?.username;
      if (name === undefined) return;
      const text = `Thanks for the follow, @${name}!`;
      const chat = ctx.services["tokenbowl"] as Chat | undefined;
      if (chat === undefined) {
        ctx.logger.info({ text }, "would thank follower");
        return;
      }
      await chat.sendMessage(text);
    },
    { name: "thank-follower", filter: cooldown(DAY_MS) },
  );
}
