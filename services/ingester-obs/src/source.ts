import type { Secret } from "@castbus/config";
import type { Backoff } from "@castbus/http";
import type { MapResult, PushSink, PushSource, UpstreamRecord } from "@castbus/ingest";
import type { Logger } from "@castbus/telemetry";
import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionLog } from "./connection-log.js";
import { ObsConnection, type ObsEventFrame } from "./connection.js";
import { classifyFailure } from "./failure.js";
import { OutputHandler } from "./output-handler.js";
import { reconcile, type OutputSnapshot, type Snapshot } from "./reconcile.js";
import { ObsState } from "./state.js";
import {
  checkEventData,
  obsEventType,
  toEvent,
  type ObsContext,
  type ObsRecordValue,
} from "./to-event.js";
import {
  EVENT_SUBSCRIPTIONS,
  programSceneSchema,
  recordStatusSchema,
  streamStatusSchema,
} from "./upstream.js";

/** Settings of one OBS instance. */
export interface ObsSourceOptions {
  /** `OBS_NAME`: the account (`source` = `obs/<name>`). */
  readonly name: string;
  readonly url: string;
  readonly password: Secret | undefined;
  readonly requestTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly backoff: Backoff;
  readonly keepRaw: boolean;
  /** JetStream's duplicate window (`EVENTS_DUPLICATE_WINDOW_S`), see `reconcile`. */
  readonly dedupeWindowMs: number;
  readonly logger: Logger;
}

/**
 * One OBS instance as a push source. It keeps one obs-websocket session open and reconnects
 * forever with backoff while OBS is closed — quietly (see {@link ConnectionLog}) — and stops only
 * for a wrong password, an incompatible server or a kick. Each session seeds the program scene
 * and the stream and recording state, publishes what changed while it was away (`inferred`),
 * then maps events in order, resolving scene item ids to source names.
 */
export class ObsSource implements PushSource {
  readonly kind = "push";
  readonly name = "obs";
  readonly account: string;
  readonly #options: ObsSourceOptions;
  readonly #state = new ObsState();
  readonly #log: ConnectionLog;
  readonly #lastMs = new Map<string, number>();

  constructor(options: ObsSourceOptions) {
    this.account = options.name;
    this.#options = options;
    this.#log = new ConnectionLog(options.logger, displayUrl(options.url));
  }

  toEvent(record: UpstreamRecord): MapResult {
    return toEvent(record, { account: this.account, keepRaw: this.#options.keepRaw });
  }

  async run(sink: PushSink, signal: AbortSignal): Promise<void> {
    const { backoff } = this.#options;
    while (!signal.aborted) {
      let live = false;
      let ended: unknown;
      try {
        ended = await this.#session(sink, signal, () => {
          live = true;
          backoff.reset();
        });
      } catch (error) {
        ended = error;
      }
      if (signal.aborted) return;
      const failure = classifyFailure(ended);
      // The runner logs, counts and reports a fatal failure when it stops the source.
      if (failure.fatal !== undefined) throw failure.fatal;
      const error = ended as Error;
      sink.setUpstream(false, `${failure.kind}: ${error.message}`);
      const delayMs = backoff.next();
      if (live) {
        this.#state.lostAt = new Date();
        this.#log.lost(failure.kind, error);
      } else {
        sink.countRequest(failure.kind);
        this.#log.failed(failure.kind, error, delayMs, failure.level);
      }
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One session: connect, seed, publish what was missed, then events until it ends; returns why. */
  async #session(sink: PushSink, signal: AbortSignal, onLive: () => void): Promise<Error> {
    const connection = await ObsConnection.open({
      url: this.#options.url,
      password: this.#options.password,
      eventSubscriptions: EVENT_SUBSCRIPTIONS,
      timeoutMs: this.#options.requestTimeoutMs,
      pingIntervalMs: this.#options.pingIntervalMs,
      signal,
      onMalformed: (raw, message) => void sink.reject(raw, { reason: "invalid_frame", message }),
    });
    try {
      const snapshot = await this.#snapshot(connection);
      this.#state.forgetItems();
      const missed = reconcile(this.#state, snapshot, {
        now: new Date(),
        stamp: (type) => this.#stamp(type, Date.now()),
        dedupeWindowMs: this.#options.dedupeWindowMs,
      });
      for (const value of missed) await sink.emit(synthetic(value));
      sink.countRequest("ok");
      sink.setUpstream(true);
      onLive();
      this.#log.connected(connection.hello, missed.length);
      const outputs = new OutputHandler(this.#state, connection);
      for (
        let event = await connection.nextEvent();
        event !== undefined;
        event = await connection.nextEvent()
      ) {
        await this.#handle(event, outputs, connection, sink);
      }
      return await connection.ended;
    } finally {
      connection.close();
    }
  }

  /** Reads the program scene and the outputs, all at once. */
  async #snapshot(connection: ObsConnection): Promise<Snapshot> {
    const [scene, stream, record] = await Promise.all([
      connection.request("GetCurrentProgramScene"),
      connection.request("GetStreamStatus").then((d) => output(streamStatusSchema.parse(d))),
      connection.request("GetRecordStatus").then((d) => output(recordStatusSchema.parse(d))),
    ]);
    return {
      programScene: programSceneSchema.parse(scene).currentProgramSceneName ?? null,
      stream,
      record,
    };
  }

  async #handle(
    event: ObsEventFrame,
    outputs: OutputHandler,
    connection: ObsConnection,
    sink: PushSink,
  ): Promise<void> {
    const { eventType, eventData } = event;
    const check = checkEventData(eventType, eventData);
    let context: Omit<ObsContext, "receivedMs"> | null = {};
    // A malformed event goes to the dead letters as it came, and moves none of the session's state.
    if (check.kind !== "malformed") {
      this.#state.observe(eventType, eventData);
      context = await this.#context(event, outputs, connection);
    }
    if (context === null || check.kind === "unmapped") return;
    const full: ObsContext = {
      ...context,
      receivedMs: this.#stamp(eventType, event.receivedTime.getTime()),
    };
    // Intermediate output states (STARTING, STOPPING) are not published.
    if (check.kind === "parsed" && obsEventType(eventType, check.data, full) === undefined) return;
    const value: ObsRecordValue = { eventType, eventData, context: full };
    await sink.emit({
      raw: event.raw,
      value,
      receivedAt: event.receivedAt,
      receivedTime: event.receivedTime,
    });
  }

  /** What the session adds to an event; `null`: nothing to publish. */
  async #context(
    event: ObsEventFrame,
    outputs: OutputHandler,
    connection: ObsConnection,
  ): Promise<Omit<ObsContext, "receivedMs"> | null> {
    const { eventType, eventData: d } = event;
    switch (eventType) {
      case "ExitStarted":
        this.#log.exiting();
        return null;
      case "CurrentProgramSceneChanged": {
        const scene = d["sceneName"];
        // A repeat of the current scene (after a studio-mode toggle, or seeded already) is no change.
        if (typeof scene === "string" && scene === this.#state.programScene) return null;
        const previousScene = this.#state.programScene;
        if (typeof scene === "string") this.#state.programScene = scene;
        return { previousScene };
      }
      case "SceneItemEnableStateChanged":
        return { sourceName: await this.#sourceName(connection, d) };
      case "StreamStateChanged":
      case "RecordStateChanged":
        return outputs.handle(eventType, d, event.receivedTime.getTime());
      default:
        return {};
    }
  }

  async #sourceName(connection: ObsConnection, d: Record<string, unknown>): Promise<string | null> {
    const scene = d["sceneName"];
    const id = d["sceneItemId"];
    if (typeof scene !== "string" || typeof id !== "number") return null;
    return this.#state.sourceName((type, data) => connection.request(type, data), scene, id);
  }

  /** Arrival ms, bumped so two events of a type never share one (they would share an id). */
  #stamp(eventType: string, ms: number): number {
    const last = this.#lastMs.get(eventType) ?? 0;
    const stamp = ms > last ? ms : last + 1;
    this.#lastMs.set(eventType, stamp);
    return stamp;
  }
}

function output(status: {
  outputActive: boolean;
  outputDuration?: number | undefined;
}): OutputSnapshot {
  return {
    active: status.outputActive,
    startMs: status.outputActive ? Date.now() - (status.outputDuration ?? 0) : undefined,
  };
}

function synthetic(value: ObsRecordValue): UpstreamRecord {
  return {
    raw: JSON.stringify(value),
    value,
    receivedAt: performance.now(),
    receivedTime: new Date(),
  };
}

/** The URL without any user info, for logs and readiness. */
function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/$/, "");
}
