// Shared vitest settings: each project's vitest.config.ts calls projectTestConfig(import.meta.dirname).
// Workspace libs resolve to their TypeScript sources (the "@castbus/source" export condition), so
// unit tests never run against a stale dist; processes that tests spawn run the built dist.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export function projectTestConfig(root: string, overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    root,
    resolve: { conditions: ["@castbus/source"] },
    ssr: { resolve: { conditions: ["@castbus/source"] } },
    test: {
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      pool: "forks",
      maxWorkers: 2,
      restoreMocks: true,
      setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
      // The JSON report is how `npm test` counts passed and failed tests across projects.
      reporters: ["default", "json"],
      outputFile: { json: ".reports/vitest.json" },
    },
  });
}
