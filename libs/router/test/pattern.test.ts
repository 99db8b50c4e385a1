import { describe, expect, it } from "vitest";
import { compilePattern } from "../src/index.js";

describe("compilePattern", () => {
  const cases: [string, string, boolean][] = [
    ["twitch.follow", "twitch.follow", true],
    ["twitch.follow", "twitch.follows", false],
    ["twitch.*", "twitch.follow", true],
    ["twitch.*", "twitch.chat.message", false],
    ["twitch.>", "twitch.chat.message", true],
    ["twitch.>", "twitch", false],
    [">", "obs.scene_changed", true],
    ["*.chat.message", "chaturbate.chat.message", true],
    ["*.chat.message", "tokenbowl.private_message", false],
    ["obs.stream_*", "obs.stream_started", true],
    ["obs.stream_*", "obs.stream_stopped", true],
    ["obs.stream_*", "obs.recording_started", false],
    ["obs.*_started", "obs.recording_started", true],
    ["obs.stream_*", "obs.stream_started.extra", false],
    ["custom.>", "custom.alert", true],
  ];
  it.each(cases)("%s matching %s is %s", (pattern, type, expected) => {
    expect(compilePattern(pattern)(type)).toBe(expected);
  });

  it("refuses malformed patterns", () => {
    for (const bad of ["twitch.>.x", "twitch..follow", "", "twitch.fol low", "a.b."]) {
      expect(() => compilePattern(bad), bad).toThrow(TypeError);
    }
  });
});
