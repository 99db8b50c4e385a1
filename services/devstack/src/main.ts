#!/usr/bin/env node
import { startDevNats } from "./nats.js";
import { startStack } from "./stack.js";

// The local stack behind `npm start`: a private NATS, the upstream simulators producing realistic
// streams, every ingester pointed at its simulator, the gateway, and a worker printing each
// event (plus the example handlers). Ctrl-C stops it all, consumers first.
const nats = await startDevNats().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
process.stdout.write(`[devstack] NATS ${nats.url} (${nats.how})\n`);
const stack = await startStack(nats.url);
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  process.stdout.write(
    "[devstack] stopping: worker, gateway and ingesters first, then the simulators and NATS\n",
  );
  await stack.stop();
  await nats.stop();
  process.stdout.write("[devstack] stopped\n");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
stack.onUnexpectedExit(() => void (stopping || stopAll(1)));
