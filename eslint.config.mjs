// Lint rules for every project. Module boundaries follow STYLE.md:
//   type:contract → nothing; type:adapter → contract/adapter; type:runtime → adapter/contract;
//   type:app → anything but apps; type:testing only from tests; type:simulator from apps and tests.
import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

const boundaries = (extraForTests) => [
  "error",
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: "type:contract", onlyDependOnLibsWithTags: ["type:contract", ...extraForTests] },
      {
        sourceTag: "type:adapter",
        onlyDependOnLibsWithTags: ["type:contract", "type:adapter", ...extraForTests],
      },
      {
        sourceTag: "type:runtime",
        onlyDependOnLibsWithTags: [
          "type:contract",
          "type:adapter",
          "type:runtime",
          ...extraForTests,
        ],
      },
      {
        sourceTag: "type:simulator",
        onlyDependOnLibsWithTags: ["type:contract", "type:adapter", ...extraForTests],
      },
      {
        sourceTag: "type:testing",
        onlyDependOnLibsWithTags: ["type:contract", "type:adapter", "type:runtime", "type:testing"],
      },
      // End-to-end suites drive built services as processes; they import libs only.
      {
        sourceTag: "type:e2e",
        onlyDependOnLibsWithTags: [
          "type:contract",
          "type:adapter",
          "type:runtime",
          "type:simulator",
          "type:testing",
        ],
      },
      // Benchmarks measure everything, apps included.
      { sourceTag: "type:bench", onlyDependOnLibsWithTags: ["*"] },
      {
        sourceTag: "type:app",
        onlyDependOnLibsWithTags: [
          "type:contract",
          "type:adapter",
          "type:runtime",
          "type:simulator",
          ...extraForTests,
        ],
      },
    ],
  },
];

// Which third-party packages a project may import, by the one lib that wraps them.
const wrapped = [
  { group: ["@nats-io/*"], message: "Only libs/nats imports @nats-io/*; use @castbus/nats." },
  { group: ["undici"], message: "Only libs/http imports undici; use @castbus/http." },
  { group: ["pino", "prom-client"], message: "Only libs/telemetry imports pino/prom-client." },
];
const restrictExcept = (allowedGroups) => [
  "error",
  { patterns: wrapped.filter((w) => !w.group.some((g) => allowedGroups.includes(g))) },
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.nx/**", "**/.reports/**", "docs/**"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    files: ["**/*.ts", "**/*.mts", "**/*.mjs", "**/*.js"],
    plugins: { "@nx": nx },
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        URL: "readonly",
        URLSearchParams: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        Buffer: "readonly",
        queueMicrotask: "readonly",
        structuredClone: "readonly",
        performance: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@nx/enforce-module-boundaries": boundaries([]),
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-imports": restrictExcept([]),
    },
  },
  {
    files: ["**/test/**/*.ts", "**/*.test.ts", "**/bench/**/*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": boundaries(["type:testing", "type:simulator"]),
      // Tests may inspect NATS directly (stream contents, KV values, consumer state).
      "no-restricted-imports": restrictExcept(["@nats-io/*"]),
    },
  },
  {
    files: ["libs/nats/**/*.ts"],
    rules: { "no-restricted-imports": restrictExcept(["@nats-io/*"]) },
  },
  { files: ["libs/http/**/*.ts"], rules: { "no-restricted-imports": restrictExcept(["undici"]) } },
  {
    files: ["libs/telemetry/**/*.ts"],
    rules: { "no-restricted-imports": restrictExcept(["pino", "prom-client"]) },
  },
  // The benchmark drives the real Chaturbate mapping, which lives in its service.
  {
    files: ["services/bench/**/*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          allow: ["@castbus/ingester-chaturbate"],
          depConstraints: [{ sourceTag: "type:bench", onlyDependOnLibsWithTags: ["*"] }],
        },
      ],
    },
  },
  // Test runner configs import the shared root config by path.
  { files: ["**/vitest.config.ts"], rules: { "@nx/enforce-module-boundaries": "off" } },
  // The test launcher starts and inspects nats-server itself; it may talk to it directly.
  {
    files: ["libs/testing/**/*.ts"],
    rules: { "no-restricted-imports": restrictExcept(["@nats-io/*"]) },
  },
);
