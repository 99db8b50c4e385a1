import { setTimeout as sleep } from "node:timers/promises";
import { ObsRequestError } from "./errors.js";
import type { EmitEvent } from "./scene-graph.js";
import {
  EventSubscription,
  OutputState,
  RequestStatus,
  isActiveState,
  type OutputStateName,
} from "./protocol.js";

/** The four outputs obs-websocket reports on. */
export type OutputName = "stream" | "record" | "replay" | "virtualcam";

const EVENT_TYPES: Readonly<Record<OutputName, string>> = {
  stream: "StreamStateChanged",
  record: "RecordStateChanged",
  replay: "ReplayBufferStateChanged",
  virtualcam: "VirtualcamStateChanged",
};

const LABELS: Readonly<Record<OutputName, string>> = {
  stream: "Stream",
  record: "Record",
  replay: "Replay buffer",
  virtualcam: "Virtual camera",
};

interface OutputRecord {
  state: OutputStateName;
  /** Epoch ms of STARTED; duration counts from here. */
  startedAt: number | undefined;
  pausedMs: number;
  pausedSince: number | undefined;
  /** Recording file while recording. */
  path: string | null;
}

/**
 * The emulated outputs and their state sequences (reference §5.2): stream and replay buffer go
 * STARTING → STARTED and STOPPING → STOPPED, a failed start STARTING → STOPPED, the stream
 * RECONNECTING → RECONNECTED, the recording also PAUSED/RESUMED with `outputPath` on STARTED and
 * STOPPED only, and the virtual camera only STARTED and STOPPED.
 */
export class Outputs {
  readonly #emit: EmitEvent;
  readonly #transitionMs: number;
  readonly #directory: string;
  readonly #outputs: Record<OutputName, OutputRecord>;
  readonly #usedPaths = new Set<string>();
  /** Bumped by reset(): a sequence still waiting for its next state belongs to a closed OBS. */
  #generation = 0;

  constructor(emit: EmitEvent, options: { transitionMs: number; directory: string }) {
    this.#emit = emit;
    this.#transitionMs = options.transitionMs;
    this.#directory = options.directory;
    this.#outputs = {
      stream: idle(),
      record: idle(),
      replay: idle(),
      virtualcam: idle(),
    };
  }

  /** Whether the output is running in any state but STOPPED. */
  running(name: OutputName): boolean {
    return this.#outputs[name].state !== OutputState.Stopped;
  }

  /** The path of the running recording (null when not recording). */
  get recordingPath(): string | null {
    return this.#outputs.record.path;
  }

  /**
   * Starts an output; resolves once it reached STARTED (or STOPPED when `fail`). Refusals throw
   * synchronously (500 OutputRunning), so a request can answer before the sequence finishes.
   */
  start(name: OutputName, options: { fail?: boolean } = {}): Promise<void> {
    if (this.running(name))
      throw new ObsRequestError(RequestStatus.OutputRunning, `${LABELS[name]} is already active.`);
    const output = this.#outputs[name];
    if (name !== "virtualcam") this.#set(name, OutputState.Starting);
    else output.state = OutputState.Starting;
    return this.#after(() => {
      if (options.fail === true) return this.#set(name, OutputState.Stopped);
      output.startedAt = Date.now();
      if (name === "record") output.path = this.#newPath("");
      this.#set(name, OutputState.Started);
    });
  }

  /** Stops an output; resolves at STOPPED. Throws 501 OutputNotRunning when it is not running. */
  stop(name: OutputName): Promise<void> {
    const output = this.#outputs[name];
    if (!isActiveState(output.state) && output.state !== OutputState.Paused)
      throw new ObsRequestError(RequestStatus.OutputNotRunning, `${LABELS[name]} is not active.`);
    if (name !== "virtualcam") this.#set(name, OutputState.Stopping);
    return this.#after(() => {
      this.#set(name, OutputState.Stopped);
      Object.assign(output, idle());
    });
  }

  /** The stream loses its connection to the service and gets it back (5.1+). */
  reconnect(): Promise<void> {
    if (!isActiveState(this.#outputs.stream.state))
      throw new ObsRequestError(RequestStatus.OutputNotRunning, "Stream is not active.");
    this.#set("stream", OutputState.Reconnecting);
    return this.#after(() => this.#set("stream", OutputState.Reconnected));
  }

  pauseRecording(): void {
    const record = this.#outputs.record;
    if (!isActiveState(record.state))
      throw new ObsRequestError(
        record.state === OutputState.Paused
          ? RequestStatus.OutputPaused
          : RequestStatus.OutputNotRunning,
        record.state === OutputState.Paused
          ? "The record output is paused."
          : "Record is not active.",
      );
    record.pausedSince = Date.now();
    this.#set("record", OutputState.Paused);
  }

  resumeRecording(): void {
    const record = this.#outputs.record;
    if (record.state !== OutputState.Paused)
      throw new ObsRequestError(RequestStatus.OutputNotPaused, "The record output is not paused.");
    record.pausedMs += Date.now() - (record.pausedSince ?? Date.now());
    record.pausedSince = undefined;
    this.#set("record", OutputState.Resumed);
  }

  /** Saves the replay buffer (ReplayBufferSaved); 501 when it is not running. */
  saveReplay(): string {
    if (!isActiveState(this.#outputs.replay.state))
      throw new ObsRequestError(RequestStatus.OutputNotRunning, "Replay buffer is not active.");
    const path = this.#newPath("Replay ");
    this.#emit("ReplayBufferSaved", EventSubscription.Outputs, { savedReplayPath: path });
    return path;
  }

  /** OBS exited or crashed: every output is gone, silently (events are off during shutdown). */
  reset(): void {
    this.#generation += 1;
    for (const output of Object.values(this.#outputs)) Object.assign(output, idle());
  }

  /** `GetStreamStatus`'s response data. */
  streamStatus(): Record<string, unknown> {
    const stream = this.#outputs.stream;
    const duration = this.#duration(stream);
    return {
      outputActive: stream.startedAt !== undefined,
      outputReconnecting: stream.state === OutputState.Reconnecting,
      outputTimecode: timecode(duration),
      outputDuration: duration,
      outputCongestion: 0,
      outputBytes: Math.round(duration * 750),
      outputSkippedFrames: 0,
      outputTotalFrames: Math.floor((duration * 60) / 1000),
    };
  }

  /** `GetRecordStatus`'s response data (no path: the real request has none). */
  recordStatus(): Record<string, unknown> {
    const record = this.#outputs.record;
    const duration = this.#duration(record);
    return {
      outputActive: record.startedAt !== undefined,
      outputPaused: record.state === OutputState.Paused,
      outputTimecode: timecode(duration),
      outputDuration: duration,
      outputBytes: Math.round(duration * 1250),
    };
  }

  /** `GetReplayBufferStatus` / `GetVirtualCamStatus`'s response data. */
  activeStatus(name: "replay" | "virtualcam"): Record<string, unknown> {
    return { outputActive: isActiveState(this.#outputs[name].state) };
  }

  #duration(output: OutputRecord): number {
    if (output.startedAt === undefined) return 0;
    const now = Date.now();
    const paused =
      output.pausedMs + (output.pausedSince === undefined ? 0 : now - output.pausedSince);
    return Math.max(0, now - output.startedAt - paused);
  }

  #set(name: OutputName, state: OutputStateName): void {
    const output = this.#outputs[name];
    output.state = state;
    const data: Record<string, unknown> = {
      outputActive: isActiveState(state),
      outputState: state,
    };
    if (name === "record") {
      const withPath = state === OutputState.Started || state === OutputState.Stopped;
      data["outputPath"] = withPath ? output.path : null;
    }
    this.#emit(EVENT_TYPES[name], EventSubscription.Outputs, data);
  }

  async #after(step: () => void): Promise<void> {
    const generation = this.#generation;
    await sleep(this.#transitionMs);
    if (generation === this.#generation) step();
  }

  /** OBS's default file name format, `%CCYY-%MM-%DD %hh-%mm-%ss`, made unique like OBS does. */
  #newPath(prefix: string): string {
    const d = new Date();
    const p = (n: number) => String(n).padStart(2, "0");
    const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
    let path = `${this.#directory}/${prefix}${stamp}.mkv`;
    for (let n = 2; this.#usedPaths.has(path); n++)
      path = `${this.#directory}/${prefix}${stamp} (${n}).mkv`;
    this.#usedPaths.add(path);
    return path;
  }
}

function idle(): OutputRecord {
  return {
    state: OutputState.Stopped,
    startedAt: undefined,
    pausedMs: 0,
    pausedSince: undefined,
    path: null,
  };
}

/** `HH:MM:SS.mmm`, as `outputTimecode` is formatted. */
function timecode(ms: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${p(h)}:${p(m)}:${p(s)}.${p(ms % 1000, 3)}`;
}
