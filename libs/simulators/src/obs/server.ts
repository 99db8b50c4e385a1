import { setTimeout as sleep } from "node:timers/promises";
import { startObsControl, type ObsControl } from "./control.js";
import { ObsEndpoint, type ObsFault } from "./endpoint.js";
import { resolveObsOptions, type ObsSimulatorOptions, type ResolvedObsOptions } from "./options.js";
import { Outputs } from "./outputs.js";
import { CloseCode, CloseReason, EventSubscription } from "./protocol.js";
import { handleRequest, withoutUuids, type RequestContext } from "./requests.js";
import { SceneGraph } from "./scene-graph.js";
import type { ObsConnectionRecord } from "./session.js";

/** An event the simulator broadcast (whether or not anyone was subscribed). */
export interface ObsEventRecord {
  readonly time: number;
  readonly eventType: string;
  readonly eventIntent: number;
  readonly eventData?: Record<string, unknown>;
}

/** A running obs-websocket 5.x simulator. Scene and item arguments are names; item ids work too. */
export interface ObsSimulator {
  /** `ws://127.0.0.1:<port>`: what `OBS_URL` is set to. Stays the same across stop/start. */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<controlPort>`: the `/__sim/` control API (up while "OBS" is closed). */
  readonly controlUrl: string;
  /** Whether OBS is "running" (the WebSocket port accepts connections). */
  readonly running: boolean;
  readonly currentScene: string;
  /** Every connection accepted so far (attempts while closed are refused and not listed). */
  readonly connections: readonly ObsConnectionRecord[];
  /** Requests received, oldest first. */
  readonly requests: readonly { time: number; requestType: string; requestData?: unknown }[];
  /** Events broadcast, oldest first. */
  readonly events: readonly ObsEventRecord[];
  setScene(name: string): void;
  createScene(name: string): void;
  removeScene(name: string): void;
  renameScene(name: string, newName: string): void;
  /** Shows or hides an item (by id or source name); returns the item id. */
  setSceneItemEnabled(scene: string, item: number | string, enabled: boolean): number;
  /** The id of the first item showing `sourceName` in `scene`. */
  sceneItemId(scene: string, sourceName: string): number;
  addSceneItem(scene: string, sourceName: string, inputKind?: string): number;
  removeSceneItem(scene: string, item: number | string): void;
  setInputMute(input: string, muted: boolean): void;
  setStudioMode(enabled: boolean): void;
  /** STARTING → STARTED (or → STOPPED with `fail`); resolves at the final state. */
  startStream(options?: { fail?: boolean }): Promise<void>;
  stopStream(): Promise<void>;
  /** RECONNECTING → RECONNECTED. */
  reconnectStream(): Promise<void>;
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  pauseRecording(): void;
  resumeRecording(): void;
  startReplayBuffer(): Promise<void>;
  stopReplayBuffer(): Promise<void>;
  /** Returns the saved file's path. */
  saveReplayBuffer(): string;
  startVirtualCam(): Promise<void>;
  stopVirtualCam(): Promise<void>;
  /** Broadcasts any event as given (to test malformed or unmapped events). */
  emitEvent(eventType: string, eventIntent: number, eventData?: Record<string, unknown>): void;
  /** Sends `text` as a text frame to every session, as is (bytes need not be UTF-8). */
  sendRaw(text: string | Uint8Array): void;
  /** OBS not ready (5.3+): events suppressed, every request answered 207. */
  setNotReady(notReady: boolean): void;
  /** The next `times` (default 1) connections get `fault`, after earlier queued faults. */
  inject(fault: ObsFault, options?: { times?: number }): void;
  clearFaults(): void;
  /** Current sessions stop reading and answering (no pongs either) without closing. */
  freeze(): void;
  /** Closes every session with `code` (default 4011 "Your session has been invalidated."). */
  kickAll(code?: number, reason?: string): void;
  /** OBS exits: ExitStarted, every session closed 1001 "Server stopping.", port closed, outputs gone. */
  stop(): Promise<void>;
  /** OBS starts again on the same port (new salt); `notReadyMs` keeps it "loading" that long. */
  start(options?: { notReadyMs?: number }): Promise<void>;
  /** OBS crashes: sockets dropped (1006), port closed, outputs gone. */
  crash(): Promise<void>;
  /** The WebSocket server restarts from its settings dialog (1001, new salt); outputs keep running. */
  restartServer(): Promise<void>;
  /** Quirk switch: studio-mode toggles repeat CurrentProgramSceneChanged (reported by clients). */
  setDuplicateSceneEventOnStudioToggle(on: boolean): void;
  /** Stops everything, including the control API. */
  close(): Promise<void>;
}

const LOG_SIZE = 10_000;

/**
 * Starts a local fake of OBS Studio's obs-websocket 5.x server (JSON subprotocol) plus its
 * `/__sim/` control API, and resolves once both listen.
 */
export async function startObsSimulator(options: ObsSimulatorOptions = {}): Promise<ObsSimulator> {
  const resolved = resolveObsOptions(options);
  const world = new World(resolved);
  await world.endpoint.listen();
  const sim = buildSimulator(world, resolved);
  world.control = await startObsControl(sim, resolved);
  return sim;
}

/** The simulator's mutable parts, shared by the API and the sessions. */
class World {
  readonly events: ObsEventRecord[] = [];
  readonly requests: { time: number; requestType: string; requestData?: unknown }[] = [];
  readonly graph: SceneGraph;
  readonly outputs: Outputs;
  readonly endpoint: ObsEndpoint;
  readonly context: RequestContext;
  control: ObsControl | undefined;
  notReady = false;
  duplicateSceneEvent = false;

  constructor(readonly options: ResolvedObsOptions) {
    const emit = (type: string, intent: number, data?: Record<string, unknown>) =>
      this.broadcast(type, intent, data);
    this.graph = new SceneGraph(options.scenes, options.currentScene, options.audioInputs, emit);
    this.outputs = new Outputs(emit, {
      transitionMs: options.outputTransitionMs,
      directory: options.recordDirectory,
    });
    if (options.replayBufferActive) void this.outputs.start("replay");
    this.context = {
      graph: this.graph,
      outputs: this.outputs,
      options,
      emit,
      duplicateProgramEventOnStudioToggle: () => this.duplicateSceneEvent,
    };
    this.endpoint = new ObsEndpoint(
      options.port,
      { host: options.host, connectionLogSize: LOG_SIZE },
      (salt) => ({
        options,
        salt,
        notReady: () => this.notReady,
        answer: (type, data) => {
          this.requests.push({
            time: Date.now(),
            requestType: type,
            ...(data === undefined ? {} : { requestData: data }),
          });
          if (this.requests.length > LOG_SIZE) this.requests.shift();
          return handleRequest(this.context, type, data);
        },
      }),
    );
  }

  /** Events go out from a later task, in order, to every subscribed session; none while not ready. */
  broadcast(eventType: string, intent: number, data?: Record<string, unknown>): void {
    const eventData = data === undefined ? undefined : withoutUuids(this.context, data);
    this.events.push({
      time: Date.now(),
      eventType,
      eventIntent: intent,
      ...(eventData === undefined ? {} : { eventData }),
    });
    if (this.events.length > LOG_SIZE) this.events.shift();
    if (this.notReady) return;
    const sessions = this.endpoint.sessions;
    setImmediate(() => {
      for (const session of sessions) session.deliver(eventType, intent, eventData);
    });
  }

  /** OBS going away: ExitStarted first, then everything else stops. */
  async exit(how: "stop" | "crash"): Promise<void> {
    if (how === "stop") {
      this.broadcast("ExitStarted", EventSubscription.General);
      await sleep(10);
      this.notReady = true;
      await this.endpoint.shutDown({
        close: [CloseCode.ServerStopping, CloseReason.serverStopping],
      });
    } else {
      await this.endpoint.shutDown({ terminate: true });
    }
    this.outputs.reset();
    this.notReady = false;
  }
}

/** A refusal as a rejected promise (the outputs throw synchronously so requests can answer at once). */
async function later(start: () => Promise<void>): Promise<void> {
  return start();
}

function buildSimulator(world: World, options: ResolvedObsOptions): ObsSimulator {
  const { graph, outputs, endpoint } = world;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${host}:${endpoint.port}`,
    port: endpoint.port,
    get controlUrl() {
      return world.control?.url ?? "";
    },
    get running() {
      return endpoint.listening;
    },
    get currentScene() {
      return graph.programScene.name;
    },
    get connections() {
      return endpoint.connections;
    },
    get requests() {
      return world.requests;
    },
    get events() {
      return world.events;
    },
    setScene: (name) => graph.setProgramScene(name),
    createScene: (name) => graph.createScene(name),
    removeScene: (name) => graph.removeScene(name),
    renameScene: (name, newName) => graph.renameScene(name, newName),
    setSceneItemEnabled: (scene, item, enabled) => graph.setItemEnabled(scene, item, enabled),
    sceneItemId: (scene, sourceName) => graph.item(scene, sourceName).id,
    addSceneItem: (scene, sourceName, kind) => graph.addItem(scene, sourceName, kind).id,
    removeSceneItem: (scene, item) => graph.removeItem(scene, item),
    setInputMute: (input, muted) => graph.setInputMute(input, muted),
    setStudioMode: (enabled) => graph.setStudioMode(enabled, world.duplicateSceneEvent),
    startStream: (startOptions) => later(() => outputs.start("stream", startOptions)),
    stopStream: () => later(() => outputs.stop("stream")),
    reconnectStream: () => later(() => outputs.reconnect()),
    startRecording: () => later(() => outputs.start("record")),
    stopRecording: () => later(() => outputs.stop("record")),
    pauseRecording: () => outputs.pauseRecording(),
    resumeRecording: () => outputs.resumeRecording(),
    startReplayBuffer: () => later(() => outputs.start("replay")),
    stopReplayBuffer: () => later(() => outputs.stop("replay")),
    saveReplayBuffer: () => outputs.saveReplay(),
    startVirtualCam: () => later(() => outputs.start("virtualcam")),
    stopVirtualCam: () => later(() => outputs.stop("virtualcam")),
    emitEvent: (eventType, intent, data) => world.broadcast(eventType, intent, data),
    sendRaw: (text) => endpoint.sessions.forEach((s) => s.sendRaw(text)),
    setNotReady: (notReady) => void (world.notReady = notReady),
    inject: (fault, injectOptions) => endpoint.inject(fault, injectOptions?.times ?? 1),
    clearFaults: () => endpoint.clearFaults(),
    freeze: () => endpoint.sessions.forEach((s) => s.freeze()),
    kickAll: (code = CloseCode.SessionInvalidated, reason) =>
      endpoint.sessions.forEach((s) =>
        s.close(code, reason ?? (code === CloseCode.SessionInvalidated ? CloseReason.kicked : "")),
      ),
    stop: () => world.exit("stop"),
    start: async (startOptions) => {
      const notReadyMs = startOptions?.notReadyMs ?? 0;
      if (notReadyMs > 0) {
        world.notReady = true;
        setTimeout(() => void (world.notReady = false), notReadyMs).unref();
      }
      await endpoint.listen();
    },
    crash: () => world.exit("crash"),
    restartServer: async () => {
      await endpoint.shutDown({ close: [CloseCode.ServerStopping, CloseReason.serverStopping] });
      await endpoint.listen();
    },
    setDuplicateSceneEventOnStudioToggle: (on) => void (world.duplicateSceneEvent = on),
    close: () => {
      closing ??= (async () => {
        await endpoint.shutDown({ terminate: true });
        await world.control?.close();
      })();
      return closing;
    },
  };
}
