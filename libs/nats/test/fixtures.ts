import { loadConfig } from "@castbus/config";
import { jetstreamManager } from "@nats-io/jetstream";
import { z } from "zod";
import {
  natsEnvShape,
  streamEnvShape,
  type NatsConfig,
  type NatsConnection,
  type StreamConfig,
} from "../src/index.js";

/** NATS settings for a test server URL. */
export function testNatsConfig(url: string, extra: Record<string, string> = {}): NatsConfig {
  return loadConfig(z.object(natsEnvShape), { NATS_URL: url, ...extra });
}

/** Default stream settings. */
export function testStreamConfig(extra: Record<string, string> = {}): StreamConfig {
  return loadConfig(z.object(streamEnvShape), extra);
}

/** A JetStream manager (test-only access to raw admin operations). */
export function jetstreamManagerFor(nc: NatsConnection) {
  return jetstreamManager(nc);
}
