import { ObsRequestError } from "./errors.js";
import { RequestStatus, sceneItemListSchema } from "./upstream.js";

/** What the ingester knows about one output (stream or recording). */
export interface OutputTrack {
  /** Between STARTED and STOPPED. */
  active: boolean;
  /** The last `outputState` seen (to tell a failed start, STARTING → STOPPED). */
  lastState: string | undefined;
  /** Epoch ms the output started, from OBS's `outputDuration` (the session's identity). */
  startMs: number | undefined;
  /** The recording's file, when OBS said (never for a recording found running at connect). */
  path: string | null;
}

/** Sends one request on the current session. */
export type Request = (
  type: string,
  data?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/**
 * What the ingester remembers about OBS across events and reconnects (within this process):
 * the program scene (OBS's scene events carry no previous scene), the stream and recording
 * sessions (for stable ids and for what changed while disconnected), and scene item names
 * (visibility events carry only an item id).
 */
export class ObsState {
  /** Whether a session has seeded this state before (a reconnect, not the first connect). */
  seeded = false;
  programScene: string | null = null;
  readonly stream: OutputTrack = idle();
  readonly record: OutputTrack = idle();
  /** Wall clock when the last session ended (when a missed change happened at the latest). */
  lostAt: Date | undefined;
  readonly #items = new Map<string, Map<number, string>>();

  /**
   * The source name of `sceneItemId` in `sceneName` (a scene or a group), from the cache or
   * `GetSceneItemList`/`GetGroupSceneItemList`. `null` when OBS no longer has the item or the
   * scene (a lookup racing a removal: reference §7.2), or the session ended before it answered.
   */
  async sourceName(
    request: Request,
    sceneName: string,
    sceneItemId: number,
  ): Promise<string | null> {
    const cached = this.#items.get(sceneName)?.get(sceneItemId);
    if (cached !== undefined) return cached;
    let list: Record<string, unknown>;
    try {
      list = await request("GetSceneItemList", { sceneName }).catch((error: unknown) => {
        if (error instanceof ObsRequestError && error.code === RequestStatus.InvalidResourceType)
          return request("GetGroupSceneItemList", { sceneName });
        throw error;
      });
    } catch {
      // Refused (600 after a removal) or the session ended meanwhile: the event still happened.
      return null;
    }
    const parsed = sceneItemListSchema.safeParse(list);
    if (!parsed.success) return null;
    const names = new Map(parsed.data.sceneItems.map((i) => [i.sceneItemId, i.sourceName]));
    this.#items.set(sceneName, names);
    return names.get(sceneItemId) ?? null;
  }

  /** Keeps the caches and the program scene right as OBS changes its scene collection. */
  observe(eventType: string, d: Record<string, unknown>): void {
    const text = (key: string) => (typeof d[key] === "string" ? (d[key] as string) : undefined);
    const scene = text("sceneName");
    switch (eventType) {
      case "SceneItemCreated":
      case "SceneItemRemoved": {
        const names = scene === undefined ? undefined : this.#items.get(scene);
        const id = d["sceneItemId"];
        const source = text("sourceName");
        if (names === undefined || typeof id !== "number") return;
        if (eventType === "SceneItemRemoved") names.delete(id);
        else if (source !== undefined) names.set(id, source);
        return;
      }
      case "SceneNameChanged": {
        const old = text("oldSceneName");
        if (old === undefined || scene === undefined) return;
        if (this.programScene === old) this.programScene = scene;
        const names = this.#items.get(old);
        this.#items.delete(old);
        if (names !== undefined) this.#items.set(scene, names);
        return;
      }
      case "InputNameChanged":
        return this.#renameSource(text("oldInputName"), text("inputName"));
      case "SceneRemoved":
        if (scene !== undefined) this.#items.delete(scene);
        return;
      case "CurrentSceneCollectionChanged":
        // Another collection: other scenes and items. Its program scene arrives as an event.
        this.#items.clear();
        return;
    }
  }

  /** Forgets cached item names (a new session: anything may have changed meanwhile). */
  forgetItems(): void {
    this.#items.clear();
  }

  #renameSource(oldName: string | undefined, newName: string | undefined): void {
    if (oldName === undefined || newName === undefined) return;
    for (const names of this.#items.values()) {
      for (const [id, name] of names) if (name === oldName) names.set(id, newName);
    }
  }
}

/** An output that is not running. */
export function idle(): OutputTrack {
  return { active: false, lastState: undefined, startMs: undefined, path: null };
}
