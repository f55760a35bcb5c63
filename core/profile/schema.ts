import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonSchema } from "../kernel/json-schema.js";
import { packageRoot } from "../kernel/package-root.js";

let cached: JsonSchema | undefined;

export function profileSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(join(packageRoot(), "schemas", "profile.schema.json"), "utf8")) as JsonSchema;
  return cached;
}
