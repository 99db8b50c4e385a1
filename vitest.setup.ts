// Runs in every test file: records the secrets this test process created, for the run-wide
// secrets scan `npm test` performs over every archived log line (see libs/testing/src/archive.ts).
import { Secret } from "@castbus/config";
import { archiveSecrets } from "@castbus/testing";
import { afterAll } from "vitest";

afterAll(() => archiveSecrets(Secret.knownValues()));
