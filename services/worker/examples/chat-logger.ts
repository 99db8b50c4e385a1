// Example handler module: one readable log line per human chat message from every source
// (Chaturbate, Twitch, Token Bowl), bots left out.
//
//   WORKER_HANDLERS=services/worker/examples/chat-logger.ts node services/worker/dist/main.js
import { notBot, type EventRouter } from "@castbus/router";

export default function register(router: EventRouter): void {
  router.on(
    "*.chat.message",
    (event, ctx) => {
      const data = event.data as {
        user?: { displayName?: string; username?: string };
        text?: string;
      };
      const who = data.user?.displayName ?? data.user?.username ?? "?";
      ctx.logger.info({ chat: event.source, who, text: data.text }, `${who}: ${data.text ?? ""}`);
    },
    { name: "chat-logger", filter: notBot() },
  );
}
