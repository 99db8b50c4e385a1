import type { ObsSceneSpec } from "./options.js";
import type { ObsSimulator } from "./server.js";

/** A running demo; `stop()` ends it. */
export interface ObsDemo {
  stop(): void;
}

interface DemoState {
  readonly scenes: readonly { name: string; items: string[] }[];
  readonly visible: Map<string, boolean>;
  streaming: boolean;
  recording: boolean;
  paused: boolean;
  replay: boolean;
  muted: boolean;
}

type Action = [weight: number, run: (sim: ObsSimulator, s: DemoState) => unknown];

const pick = <T>(items: readonly T[]): T | undefined =>
  items[Math.floor(Math.random() * items.length)];

/**
 * What a streamer does in an evening, compressed: scene switches and source toggles most often,
 * now and then a mute, a recording paused or saved, the stream reconnecting, going off and on.
 */
const ACTIONS: readonly Action[] = [
  [
    35,
    (sim, s) => {
      const next = pick(s.scenes.filter((scene) => scene.name !== sim.currentScene));
      if (next !== undefined) sim.setScene(next.name);
    },
  ],
  [
    30,
    (sim, s) => {
      const scene = s.scenes.find((x) => x.name === sim.currentScene);
      const item = scene === undefined ? undefined : pick(scene.items);
      if (scene === undefined || item === undefined) return;
      const key = `${scene.name}\u0000${item}`;
      const visible = !(s.visible.get(key) ?? true);
      s.visible.set(key, visible);
      sim.setSceneItemEnabled(scene.name, item, visible);
    },
  ],
  [
    8,
    (sim, s) => {
      s.muted = !s.muted;
      sim.setInputMute("Mic/Aux", s.muted);
    },
  ],
  [
    8,
    async (sim, s) => {
      if (s.recording) await sim.stopRecording();
      else await sim.startRecording();
      s.recording = !s.recording;
      s.paused = false;
    },
  ],
  [
    5,
    (sim, s) => {
      if (!s.recording) return;
      if (s.paused) sim.resumeRecording();
      else sim.pauseRecording();
      s.paused = !s.paused;
    },
  ],
  [
    5,
    async (sim, s) => {
      if (!s.replay) await sim.startReplayBuffer();
      s.replay = true;
      sim.saveReplayBuffer();
    },
  ],
  [
    2,
    async (sim, s) => {
      if (s.streaming) await sim.reconnectStream();
    },
  ],
  [
    3,
    async (sim, s) => {
      if (s.streaming) await sim.stopStream();
      else await sim.startStream();
      s.streaming = !s.streaming;
    },
  ],
];

/**
 * Drives the simulator like a streamer would, one action every `intervalMs`, starting with the
 * stream going live, so `npm start` shows OBS events. Errors (OBS closed meanwhile) are ignored.
 */
export function startObsDemo(
  sim: ObsSimulator,
  scenes: readonly ObsSceneSpec[],
  intervalMs: number,
): ObsDemo {
  const state: DemoState = {
    scenes: scenes.map((s) => ({
      name: s.name,
      items: (s.items ?? []).map((i) => (typeof i === "string" ? i : i.sourceName)),
    })),
    visible: new Map(),
    streaming: false,
    recording: false,
    paused: false,
    replay: false,
    muted: false,
  };
  let busy = false;
  const tick = async () => {
    if (busy || !sim.running) return;
    busy = true;
    try {
      if (!state.streaming) {
        await sim.startStream();
        state.streaming = true;
      } else {
        await weighted()(sim, state);
      }
    } catch {
      // A refused action (OBS closed, output already running) is just skipped.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return { stop: () => clearInterval(timer) };
}

function weighted(): Action[1] {
  const total = ACTIONS.reduce((sum, [w]) => sum + w, 0);
  let roll = Math.random() * total;
  for (const [weight, run] of ACTIONS) {
    roll -= weight;
    if (roll < 0) return run;
  }
  return ACTIONS[0]![1];
}
