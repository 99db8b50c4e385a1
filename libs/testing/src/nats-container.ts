import type { NatsServerHandle, NatsServerOptions } from "./nats-server.js";
import { dockerAvailable } from "./nats-server.js";

const INSTALL_HINT =
  "no nats-server binary found and no Docker engine: install it (Debian: apt-get install nats-server), " +
  "set NATS_SERVER_BIN, or point CASTBUS_TEST_NATS_URL at a disposable server";

/**
 * The fallback where no nats-server binary exists but a Docker engine does: the official image
 * via testcontainers (an optional dependency, loaded only here).
 */
export async function startContainerNatsServer(
  options: NatsServerOptions,
): Promise<NatsServerHandle> {
  if (!dockerAvailable()) throw new Error(INSTALL_HINT);
  const tc = await import("testcontainers");
  const build = () =>
    new tc.GenericContainer("nats:2.10-alpine")
      .withCommand(["-js", "-sd", "/data", ...(options.args ?? [])])
      .withExposedPorts(4222)
      .withWaitStrategy(tc.Wait.forLogMessage(/Server is ready/))
      .start();
  let container = await build();
  const port = container.getMappedPort(4222);
  return {
    url: `nats://${container.getHost()}:${port}`,
    port,
    storeDir: "/data",
    private: true,
    stop: async () => void (await container.stop({ timeout: 10_000 })),
    kill: async () => void (await container.stop({ timeout: 0 })),
    restart: async ({ wipe = false } = {}) => {
      if (wipe) {
        await container.stop();
        container = await build();
      } else {
        await container.restart();
      }
    },
    dispose: async () => void (await container.stop({ timeout: 0 })),
  };
}
