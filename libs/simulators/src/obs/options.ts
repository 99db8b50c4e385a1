import { ObsSimulatorConfigError } from "./errors.js";

/** One source placed in a scene. A string is shorthand for `{ sourceName }`. */
export interface ObsItemSpec {
  readonly sourceName: string;
  /** `inputKind` of the input (`browser_source`, `dshow_input`, ...); default `image_source`. */
  readonly inputKind?: string;
  /** Visible at start; default true. */
  readonly enabled?: boolean;
  /** Makes this item a group holding these items (groups are scenes internally). */
  readonly group?: readonly (string | ObsItemSpec)[];
}

/** One scene of the emulated scene collection. */
export interface ObsSceneSpec {
  readonly name: string;
  readonly items?: readonly (string | ObsItemSpec)[];
}

/** Options of {@link startObsSimulator}. Every field is optional. */
export interface ObsSimulatorOptions {
  /** WebSocket port (default 0: a free one, kept across `stop()`/`start()`). */
  readonly port?: number;
  /** Port of the `/__sim/` HTTP control API, which stays up while "OBS" is closed (default 0). */
  readonly controlPort?: number;
  readonly host?: string;
  /** Turns authentication on (the real default is on, with a generated 16-character password). */
  readonly password?: string;
  /** Emulated obs-websocket version; features follow it (UUIDs 5.4+, `obsStudioVersion` 5.6+, canvases 5.7+). */
  readonly obsWebSocketVersion?: string;
  readonly obsStudioVersion?: string;
  /** The scene collection (default: a small streaming setup, see the docs). */
  readonly scenes?: readonly ObsSceneSpec[];
  /** Program scene at start (default: the first scene). */
  readonly currentScene?: string;
  /** Audio-only inputs besides the scenes' sources (default "Mic/Aux", "Desktop Audio"). */
  readonly audioInputs?: readonly string[];
  /** Directory in recording and replay paths (default "/home/streamer/Videos"). */
  readonly recordDirectory?: string;
  /** Time between STARTING and STARTED (and STOPPING and STOPPED), in ms (default 20). */
  readonly outputTransitionMs?: number;
  /** Start with the replay buffer running (default false). */
  readonly replayBufferActive?: boolean;
}

/** Options with defaults applied. */
export interface ResolvedObsOptions {
  readonly port: number;
  readonly controlPort: number;
  readonly host: string;
  readonly password: string | undefined;
  readonly obsWebSocketVersion: string;
  readonly obsStudioVersion: string;
  readonly scenes: readonly ObsSceneSpec[];
  readonly currentScene: string;
  readonly audioInputs: readonly string[];
  readonly recordDirectory: string;
  readonly outputTransitionMs: number;
  readonly replayBufferActive: boolean;
  readonly features: ObsFeatures;
}

/** What the emulated version supports. */
export interface ObsFeatures {
  /** `sceneUuid`, `inputUuid`, `sourceUuid` fields (5.4+). */
  readonly uuids: boolean;
  /** `obsStudioVersion` in Hello (5.6+). */
  readonly studioVersionInHello: boolean;
  /** `EventSubscription.All` of that version: 2047, or 4095 with canvases (5.7+). */
  readonly allEvents: number;
  /** `GetSceneItemSource` exists (5.4+). */
  readonly sceneItemSource: boolean;
}

/** The default scene collection: what a small streaming setup looks like. */
export const DEFAULT_SCENES: readonly ObsSceneSpec[] = [
  {
    name: "Starting Soon",
    items: [
      { sourceName: "Background", inputKind: "image_source" },
      { sourceName: "Countdown", inputKind: "text_ft2_source_v2" },
      { sourceName: "Music", inputKind: "ffmpeg_source" },
    ],
  },
  {
    name: "Gameplay",
    items: [
      { sourceName: "Game Capture", inputKind: "game_capture" },
      {
        sourceName: "Webcam Frame",
        group: [
          { sourceName: "Webcam", inputKind: "dshow_input" },
          { sourceName: "Webcam Border", inputKind: "image_source" },
        ],
      },
      { sourceName: "Alerts", inputKind: "browser_source" },
      { sourceName: "Chat", inputKind: "browser_source", enabled: false },
    ],
  },
  {
    name: "Just Chatting",
    items: [
      { sourceName: "Webcam", inputKind: "dshow_input" },
      { sourceName: "Chat", inputKind: "browser_source" },
      { sourceName: "Alerts", inputKind: "browser_source" },
    ],
  },
  { name: "BRB", items: [{ sourceName: "Background", inputKind: "image_source" }, "BRB Text"] },
];

/** Validates options and applies defaults; throws {@link ObsSimulatorConfigError} listing every problem. */
export function resolveObsOptions(options: ObsSimulatorOptions): ResolvedObsOptions {
  const problems: string[] = [];
  const port = options.port ?? 0;
  const controlPort = options.controlPort ?? 0;
  for (const [name, value] of [
    ["port", port],
    ["controlPort", controlPort],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 65_535)
      problems.push(`${name} must be an integer 0-65535`);
  }
  const version = options.obsWebSocketVersion ?? "5.7.3";
  if (!/^5\.\d+\.\d+$/.test(version)) problems.push("obsWebSocketVersion must look like 5.x.y");
  const scenes = options.scenes ?? DEFAULT_SCENES;
  if (scenes.length === 0) problems.push("scenes must hold at least one scene");
  const currentScene = options.currentScene ?? scenes[0]?.name ?? "";
  if (scenes.length > 0 && !scenes.some((s) => s.name === currentScene))
    problems.push("currentScene must name one of the scenes");
  const transition = options.outputTransitionMs ?? 20;
  if (!Number.isInteger(transition) || transition < 0)
    problems.push("outputTransitionMs must be a non-negative integer");
  if (options.password !== undefined && options.password.length === 0)
    problems.push("password must not be empty (leave it out to turn authentication off)");
  if (problems.length > 0) throw new ObsSimulatorConfigError(problems);
  return {
    port,
    controlPort,
    host: options.host ?? "127.0.0.1",
    password: options.password,
    obsWebSocketVersion: version,
    obsStudioVersion: options.obsStudioVersion ?? "31.1.2",
    scenes,
    currentScene,
    audioInputs: options.audioInputs ?? ["Mic/Aux", "Desktop Audio"],
    recordDirectory: options.recordDirectory ?? "/home/streamer/Videos",
    outputTransitionMs: transition,
    replayBufferActive: options.replayBufferActive ?? false,
    features: featuresOf(version),
  };
}

/** The features of an obs-websocket version string like `5.4.2`. */
export function featuresOf(version: string): ObsFeatures {
  const minor = Number(version.split(".")[1] ?? "0");
  return {
    uuids: minor >= 4,
    studioVersionInHello: minor >= 6,
    allEvents: minor >= 7 ? 4095 : 2047,
    sceneItemSource: minor >= 4,
  };
}
