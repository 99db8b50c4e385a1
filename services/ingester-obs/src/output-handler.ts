import type { ObsConnection } from "./connection.js";
import type { ObsState, OutputTrack } from "./state.js";
import type { ObsContext } from "./to-event.js";
import { OutputState, recordStatusSchema, streamStatusSchema } from "./upstream.js";

/** What an output event adds to its record, or `null` when castbus publishes nothing for it. */
export type OutputContext = Omit<ObsContext, "receivedMs"> | null;

/**
 * Follows the stream's and the recording's state events: which session they belong to (the
 * start time, from OBS's own `outputDuration`), whether a STOPPED ends a session or a failed
 * start, and which events repeat what a reconnect already published.
 */
export class OutputHandler {
  readonly #state: ObsState;
  readonly #connection: ObsConnection;

  constructor(state: ObsState, connection: ObsConnection) {
    this.#state = state;
    this.#connection = connection;
  }

  async handle(
    eventType: "StreamStateChanged" | "RecordStateChanged",
    d: Record<string, unknown>,
    receivedMs: number,
  ): Promise<OutputContext> {
    const record = eventType === "RecordStateChanged";
    const track = record ? this.#state.record : this.#state.stream;
    const state = d["outputState"];
    if (typeof state !== "string") return {}; // validated before: unreachable, but never dropped
    const before = track.lastState;
    track.lastState = state;
    switch (state) {
      case OutputState.Started: {
        // Already known (seeded or inferred at connect): OBS's own event would repeat it.
        if (track.active) return null;
        const startMs = await this.#startOf(record, receivedMs);
        Object.assign(track, {
          active: true,
          startMs,
          path: record ? pathOf(d["outputPath"]) : null,
        });
        return { startMs };
      }
      case OutputState.Stopped:
        return this.#stopped(track, record, before);
      case OutputState.Reconnecting:
      case OutputState.Reconnected:
        return track.startMs === undefined ? {} : { startMs: track.startMs };
      case OutputState.Paused:
      case OutputState.Resumed:
        return { outputPath: track.path };
      default:
        return null; // STARTING, STOPPING, UNKNOWN: intermediate, not published
    }
  }

  #stopped(track: OutputTrack, record: boolean, before: string | undefined): OutputContext {
    if (track.active) {
      const context = {
        ...(track.startMs === undefined ? {} : { startMs: track.startMs }),
        outputPath: track.path,
      };
      Object.assign(track, { active: false, startMs: undefined, path: null });
      return context;
    }
    // STARTING → STOPPED: the output never ran. A stream says so with its own type.
    if (before === OutputState.Starting)
      return record ? { outputPath: null } : { startFailed: true };
    return null; // a stop a reconnect already published
  }

  /** Epoch ms the output started: now minus OBS's `outputDuration` (arrival time if unknown). */
  async #startOf(record: boolean, receivedMs: number): Promise<number> {
    try {
      const status = await this.#connection.request(record ? "GetRecordStatus" : "GetStreamStatus");
      const parsed = (record ? recordStatusSchema : streamStatusSchema).safeParse(status);
      const duration = parsed.success ? parsed.data.outputDuration : undefined;
      return duration === undefined ? receivedMs : Date.now() - duration;
    } catch {
      // Refused, or the session ended meanwhile: arrival is within a request's time of the start.
      return receivedMs;
    }
  }
}

function pathOf(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
