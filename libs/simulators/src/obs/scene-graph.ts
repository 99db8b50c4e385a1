import { randomUUID } from "node:crypto";
import { ObsRequestError } from "./errors.js";
import type { ObsItemSpec, ObsSceneSpec } from "./options.js";
import { EventSubscription, RequestStatus } from "./protocol.js";

/** Sends one event to the subscribed sessions (`eventData` omitted when undefined). */
export type EmitEvent = (eventType: string, intent: number, data?: Record<string, unknown>) => void;

/** A source placed in a scene (or a group). */
export interface SceneItem {
  readonly id: number;
  readonly sourceName: string;
  readonly sourceUuid: string;
  /** `null` for groups, like the real `inputKind`. */
  readonly inputKind: string | null;
  readonly isGroup: boolean;
  enabled: boolean;
}

/** A scene or a group (groups are scenes internally, but not in the scene list). */
export interface Scene {
  name: string;
  readonly uuid: string;
  readonly isGroup: boolean;
  readonly items: SceneItem[];
  nextItemId: number;
}

/** An input: what a scene item shows, shared by every item of the same name. */
export interface Input {
  name: string;
  readonly uuid: string;
  readonly kind: string;
  muted: boolean;
}

/**
 * The emulated scene collection: scenes, groups, items and inputs, the program and preview
 * scene and studio mode. Every change emits the event real OBS emits for it.
 */
export class SceneGraph {
  readonly #scenes = new Map<string, Scene>();
  readonly #inputs = new Map<string, Input>();
  readonly #emit: EmitEvent;
  #program: string;
  #preview: string | null = null;

  constructor(
    specs: readonly ObsSceneSpec[],
    current: string,
    audio: readonly string[],
    emit: EmitEvent,
  ) {
    this.#emit = emit;
    for (const name of audio) this.#input(name, "wasapi_input_capture");
    for (const spec of specs) this.#createScene(spec.name, false, spec.items ?? []);
    this.#program = current;
  }

  get programScene(): Scene {
    return this.scene(this.#program);
  }

  get previewScene(): Scene | null {
    return this.#preview === null ? null : this.scene(this.#preview);
  }

  get studioMode(): boolean {
    return this.#preview !== null;
  }

  /** Scenes in `sceneIndex` order (index 0 is the bottom of OBS's list); groups excluded. */
  scenes(): Scene[] {
    return [...this.#scenes.values()].filter((s) => !s.isGroup);
  }

  /** A scene or group by name; 600 when none exists. */
  scene(name: string): Scene {
    const scene = this.#scenes.get(name);
    if (scene === undefined)
      throw new ObsRequestError(
        RequestStatus.ResourceNotFound,
        `No source was found by the name of \`${name}\`.`,
      );
    return scene;
  }

  /** An item by id, or the first item showing `sourceName`; 600 when none matches. */
  item(sceneName: string, idOrSource: number | string): SceneItem {
    const scene = this.scene(sceneName);
    const item = scene.items.find((i) =>
      typeof idOrSource === "number" ? i.id === idOrSource : i.sourceName === idOrSource,
    );
    if (item === undefined)
      throw new ObsRequestError(
        RequestStatus.ResourceNotFound,
        `No scene items were found in scene \`${sceneName}\` with the ${typeof idOrSource === "number" ? "ID" : "source name"} \`${idOrSource}\`.`,
      );
    return item;
  }

  input(name: string): Input {
    const input = this.#inputs.get(name);
    if (input === undefined)
      throw new ObsRequestError(
        RequestStatus.ResourceNotFound,
        `No source was found by the name of \`${name}\`.`,
      );
    return input;
  }

  inputs(): Input[] {
    return [...this.#inputs.values()];
  }

  /** Switches the program scene (CurrentProgramSceneChanged; not emitted when unchanged). */
  setProgramScene(name: string): void {
    const scene = this.scene(name);
    if (scene.isGroup) throw notAScene(true);
    if (this.#program === name) return;
    this.#program = name;
    this.#emit("CurrentProgramSceneChanged", EventSubscription.Scenes, sceneRef(scene));
  }

  /** Studio mode on or off; the reported quirk repeats CurrentProgramSceneChanged when asked to. */
  setStudioMode(enabled: boolean, duplicateProgramEvent: boolean): void {
    if (this.studioMode === enabled) return;
    this.#preview = enabled ? this.#program : null;
    this.#emit("StudioModeStateChanged", EventSubscription.Ui, { studioModeEnabled: enabled });
    if (enabled) {
      this.#emit(
        "CurrentPreviewSceneChanged",
        EventSubscription.Scenes,
        sceneRef(this.programScene),
      );
    }
    if (duplicateProgramEvent) {
      this.#emit(
        "CurrentProgramSceneChanged",
        EventSubscription.Scenes,
        sceneRef(this.programScene),
      );
    }
  }

  /** Shows or hides an item; returns its id. Emits only on a real change, like OBS. */
  setItemEnabled(sceneName: string, idOrSource: number | string, enabled: boolean): number {
    const scene = this.scene(sceneName);
    const item = this.item(sceneName, idOrSource);
    if (item.enabled !== enabled) {
      item.enabled = enabled;
      this.#emit("SceneItemEnableStateChanged", EventSubscription.SceneItems, {
        ...sceneRef(scene),
        sceneItemId: item.id,
        sceneItemEnabled: enabled,
      });
    }
    return item.id;
  }

  /** Adds an item showing `sourceName` (an existing input, or a new image source). */
  addItem(sceneName: string, sourceName: string, inputKind = "image_source"): SceneItem {
    const scene = this.scene(sceneName);
    const item = this.#placeItem(scene, { sourceName, inputKind });
    this.#emit("SceneItemCreated", EventSubscription.SceneItems, {
      ...sceneRef(scene),
      sourceName: item.sourceName,
      sourceUuid: item.sourceUuid,
      sceneItemId: item.id,
      sceneItemIndex: scene.items.length - 1,
    });
    return item;
  }

  removeItem(sceneName: string, idOrSource: number | string): void {
    const scene = this.scene(sceneName);
    const item = this.item(sceneName, idOrSource);
    scene.items.splice(scene.items.indexOf(item), 1);
    this.#emit("SceneItemRemoved", EventSubscription.SceneItems, {
      ...sceneRef(scene),
      sourceName: item.sourceName,
      sourceUuid: item.sourceUuid,
      sceneItemId: item.id,
    });
  }

  /** Adds an empty scene at the top of the list (SceneCreated, SceneListChanged). */
  createScene(name: string, items: readonly (string | ObsItemSpec)[] = []): void {
    if (this.#scenes.has(name) || this.#inputs.has(name))
      throw new ObsRequestError(601, `A source already exists by that scene name.`);
    const scene = this.#createScene(name, false, items);
    this.#emit("SceneCreated", EventSubscription.Scenes, { ...sceneRef(scene), isGroup: false });
    this.#emitSceneList();
  }

  /** Removes a scene (not the program scene, which OBS also refuses). */
  removeScene(name: string): void {
    const scene = this.scene(name);
    if (scene.isGroup) throw notAScene(true);
    if (this.#program === name || this.scenes().length === 1)
      throw new ObsRequestError(
        RequestStatus.InvalidResourceState,
        "Cannot remove the current scene.",
      );
    this.#scenes.delete(name);
    this.#emit("SceneRemoved", EventSubscription.Scenes, { ...sceneRef(scene), isGroup: false });
    this.#emitSceneList();
  }

  /** Renames a scene (SceneNameChanged); the program scene follows the rename. */
  renameScene(oldName: string, newName: string): void {
    const scene = this.scene(oldName);
    if (this.#scenes.has(newName))
      throw new ObsRequestError(601, "A source already exists by that new scene name.");
    // Rebuilt in order: the map's order is the scene list's order (sceneIndex).
    const entries = [...this.#scenes.entries()].map(([k, v]): [string, Scene] => [
      k === oldName ? newName : k,
      v,
    ]);
    this.#scenes.clear();
    for (const [k, v] of entries) this.#scenes.set(k, v);
    scene.name = newName;
    if (this.#program === oldName) this.#program = newName;
    if (this.#preview === oldName) this.#preview = newName;
    this.#emit("SceneNameChanged", EventSubscription.Scenes, {
      sceneUuid: scene.uuid,
      oldSceneName: oldName,
      sceneName: newName,
    });
  }

  /** Mutes or unmutes an input (InputMuteStateChanged on a change). */
  setInputMute(name: string, muted: boolean): void {
    const input = this.input(name);
    if (input.muted === muted) return;
    input.muted = muted;
    this.#emit("InputMuteStateChanged", EventSubscription.Inputs, {
      inputName: input.name,
      inputUuid: input.uuid,
      inputMuted: muted,
    });
  }

  /** The `GetSceneList` scenes array. */
  sceneList(): { sceneName: string; sceneUuid: string; sceneIndex: number }[] {
    return this.scenes().map((s, i) => ({ sceneName: s.name, sceneUuid: s.uuid, sceneIndex: i }));
  }

  #emitSceneList(): void {
    this.#emit("SceneListChanged", EventSubscription.Scenes, { scenes: this.sceneList() });
  }

  #createScene(name: string, isGroup: boolean, items: readonly (string | ObsItemSpec)[]): Scene {
    const scene: Scene = { name, uuid: randomUUID(), isGroup, items: [], nextItemId: 1 };
    this.#scenes.set(name, scene);
    for (const spec of items)
      this.#placeItem(scene, typeof spec === "string" ? { sourceName: spec } : spec);
    return scene;
  }

  #placeItem(scene: Scene, spec: ObsItemSpec): SceneItem {
    let uuid: string;
    let kind: string | null;
    if (spec.group !== undefined) {
      const group =
        this.#scenes.get(spec.sourceName) ?? this.#createScene(spec.sourceName, true, spec.group);
      uuid = group.uuid;
      kind = null;
    } else {
      const input = this.#input(spec.sourceName, spec.inputKind ?? "image_source");
      uuid = input.uuid;
      kind = input.kind;
    }
    const item: SceneItem = {
      id: scene.nextItemId++,
      sourceName: spec.sourceName,
      sourceUuid: uuid,
      inputKind: kind,
      isGroup: spec.group !== undefined,
      enabled: spec.enabled ?? true,
    };
    scene.items.push(item);
    return item;
  }

  #input(name: string, kind: string): Input {
    let input = this.#inputs.get(name);
    if (input === undefined) {
      input = { name, uuid: randomUUID(), kind, muted: false };
      this.#inputs.set(name, input);
    }
    return input;
  }
}

/** `{sceneName, sceneUuid}` as events carry it. */
export function sceneRef(scene: Scene): { sceneName: string; sceneUuid: string } {
  return { sceneName: scene.name, sceneUuid: scene.uuid };
}

/** 602 for a scene request on a group (or the reverse), with the real comment. */
export function notAScene(isGroup: boolean): ObsRequestError {
  return new ObsRequestError(
    RequestStatus.InvalidResourceType,
    isGroup
      ? "The specified source is not a scene. (Is group)"
      : "The specified source is not a group. (Is scene)",
  );
}
