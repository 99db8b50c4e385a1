import { ConfigError, loadConfig } from "@castbus/config";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LOG_LEVELS, telemetryEnvShape } from "../src/index.js";

const schema = z.object(telemetryEnvShape);

describe("telemetryEnvShape", () => {
  it("defaults to port 8080 and level info", () => {
    expect(loadConfig(schema, {})).toEqual({ HTTP_PORT: 8080, LOG_LEVEL: "info" });
  });

  it("accepts every log level and port 0", () => {
    for (const level of LOG_LEVELS) {
      expect(loadConfig(schema, { HTTP_PORT: "0", LOG_LEVEL: level })).toEqual({
        HTTP_PORT: 0,
        LOG_LEVEL: level,
      });
    }
  });

  it("rejects a port out of range and an unknown level together", () => {
    try {
      loadConfig(schema, { HTTP_PORT: "65536", LOG_LEVEL: "verbose" });
      expect.unreachable("the environment is invalid");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.variable)).toEqual([
        "HTTP_PORT",
        "LOG_LEVEL",
      ]);
    }
  });
});
