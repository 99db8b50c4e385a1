import type { MapResult, PushSink, PushSource, UpstreamRecord } from "@castbus/ingest";
import type { EventSubSession } from "./session.js";
import { toEvent } from "./to-event.js";

/** Settings of one broadcaster's source. */
export interface TwitchSourceOptions {
  /** The broadcaster's Twitch user id: the account (`source` = `twitch/<id>`). */
  readonly broadcasterId: string;
  /** The session shared by every broadcaster of the token. */
  readonly session: EventSubSession;
  readonly keepRaw: boolean;
}

/**
 * One broadcaster as a push source. The WebSocket, its reconnects and the subscriptions belong
 * to the shared {@link EventSubSession}; this source attaches its sink to it for the
 * broadcaster's notifications, readiness and metrics, and maps records with {@link toEvent}.
 */
export class TwitchSource implements PushSource {
  readonly kind = "push";
  readonly name = "twitch";
  readonly account: string;
  readonly #options: TwitchSourceOptions;

  constructor(options: TwitchSourceOptions) {
    this.account = options.broadcasterId;
    this.#options = options;
  }

  toEvent(record: UpstreamRecord): MapResult {
    return toEvent(record, { keepRaw: this.#options.keepRaw });
  }

  run(sink: PushSink, signal: AbortSignal): Promise<void> {
    return this.#options.session.attach(this.account, sink, signal);
  }
}
