#!/usr/bin/env node
// Writes docs/schemas/<type>.json from the built @castbus/events (run: npx nx run events:schemas).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eventJsonSchemas } from "../dist/index.js";

const dir = join(import.meta.dirname, "../../../docs/schemas");
mkdirSync(dir, { recursive: true });
const schemas = eventJsonSchemas();
for (const [type, schema] of Object.entries(schemas)) {
  writeFileSync(join(dir, `${type}.json`), JSON.stringify(schema, null, 2) + "\n");
}
console.log(`wrote ${Object.keys(schemas).length} schemas to docs/schemas/`);
