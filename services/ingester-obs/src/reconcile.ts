import type { OutputTrack, ObsState } from "./state.js";
import type { ObsRecordValue } from "./to-event.js";
import { OutputState } from "./upstream.js";

/** OBS's state as read at the start of a session. */
export interface Snapshot {
  readonly programScene: string | null;
  readonly stream: OutputSnapshot;
  readonly record: OutputSnapshot;
}

/** One output as its status request described it. */
export interface OutputSnapshot {
  readonly active: boolean;
  /** Epoch ms it started: answer time minus `outputDuration`. */
  readonly startMs: number | undefined;
}

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  readonly now: Date;
  /** Arrival-ms allocator (unique per event type). */
  readonly stamp: (eventType: string) => number;
  /**
   * JetStream's duplicate window. At the first connect of a process the ingester cannot know
   * what an earlier process published; it republishes a start only if it is this recent, so a
   * copy that did get published is dropped by JetStream (same id) instead of repeated.
   */
  readonly dedupeWindowMs: number;
}

/**
 * Two readings of the same output session can differ by the request's latency and OBS's frame
 * granularity; starts further apart than this are different sessions.
 */
const SAME_SESSION_MS = 2000;

/**
 * Brings `state` up to date with a fresh snapshot and returns the events OBS never sent because
 * the ingester was not connected: a program scene that changed, a stream or recording that
 * stopped (OBS crashed mid-stream) or started meanwhile. Inferred events carry `inferred: true`
 * and, for outputs, the same session id as the event OBS would have sent.
 */
export function reconcile(
  state: ObsState,
  snap: Snapshot,
  options: ReconcileOptions,
): ObsRecordValue[] {
  const records: ObsRecordValue[] = [];
  const time = options.now.toISOString();
  if (
    state.seeded &&
    state.programScene !== null &&
    snap.programScene !== null &&
    snap.programScene !== state.programScene
  ) {
    records.push({
      eventType: "CurrentProgramSceneChanged",
      eventData: { sceneName: snap.programScene },
      context: {
        receivedMs: options.stamp("CurrentProgramSceneChanged"),
        previousScene: state.programScene,
        inferred: true,
        time,
      },
    });
  }
  state.programScene = snap.programScene;
  const lostAt = (state.lostAt ?? options.now).toISOString();
  records.push(
    ...reconcileOutput(
      "StreamStateChanged",
      state.stream,
      snap.stream,
      state.seeded,
      lostAt,
      options,
    ),
  );
  records.push(
    ...reconcileOutput(
      "RecordStateChanged",
      state.record,
      snap.record,
      state.seeded,
      lostAt,
      options,
    ),
  );
  state.seeded = true;
  return records;
}

function reconcileOutput(
  eventType: "StreamStateChanged" | "RecordStateChanged",
  track: OutputTrack,
  snap: OutputSnapshot,
  seeded: boolean,
  lostAt: string,
  options: ReconcileOptions,
): ObsRecordValue[] {
  const records: ObsRecordValue[] = [];
  const record = eventType === "RecordStateChanged";
  const same =
    track.active &&
    snap.active &&
    track.startMs !== undefined &&
    snap.startMs !== undefined &&
    Math.abs(track.startMs - snap.startMs) <= SAME_SESSION_MS;
  if (seeded && track.active && !same) {
    records.push({
      eventType,
      eventData: {
        outputActive: false,
        outputState: OutputState.Stopped,
        ...(record ? { outputPath: track.path } : {}),
      },
      context: {
        receivedMs: options.stamp(eventType),
        ...(track.startMs === undefined ? {} : { startMs: track.startMs }),
        outputPath: track.path,
        inferred: true,
        time: lostAt,
      },
    });
  }
  const recent =
    snap.startMs !== undefined && snap.startMs >= options.now.getTime() - options.dedupeWindowMs;
  if (snap.active && !same && snap.startMs !== undefined && (seeded || recent)) {
    records.push({
      eventType,
      eventData: {
        outputActive: true,
        outputState: OutputState.Started,
        ...(record ? { outputPath: null } : {}),
      },
      context: {
        receivedMs: options.stamp(eventType),
        startMs: snap.startMs,
        inferred: true,
        time: new Date(snap.startMs).toISOString(),
      },
    });
  }
  if (!same) {
    track.active = snap.active;
    track.startMs = snap.active ? snap.startMs : undefined;
    track.path = null;
  }
  track.lastState = snap.active ? OutputState.Started : OutputState.Stopped;
  return records;
}
