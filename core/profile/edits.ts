import { parse as parseYamlValue } from "yaml";
import { ErrorCodes, KitbashError } from "../kernel/errors.js";
import type { FieldPath } from "./types.js";

export interface Edit {
  path: FieldPath;
  value: unknown;
  /** `--set a.b=1` or `env KITBASH__a__b`. */
  origin: string;
}

/** Parses `a.b[0].c` into segments. */
export function parseFieldPath(text: string): FieldPath {
  const out: FieldPath = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    consumed += m[0].length;
  }
  const dots = (text.match(/\./g) ?? []).length;
  if (!out.length || consumed + dots !== text.length) throw new KitbashError(ErrorCodes.USAGE, `cannot read field path "${text}"`);
  return out;
}

/** `PATH=VALUE`, where VALUE is read as a YAML scalar or flow collection (`7000`, `true`, `[a, b]`). */
export function parseSetFlag(flag: string): Edit {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new KitbashError(ErrorCodes.USAGE, `--set expects PATH=VALUE, got "${flag}"`);
  return { path: parseFieldPath(flag.slice(0, eq)), value: readValue(flag.slice(eq + 1)), origin: `--set ${flag}` };
}

function readValue(text: string): unknown {
  try {
    return parseYamlValue(text);
  } catch {
    return text;
  }
}

/**
 * KITBASH_DATA_DIR sets dataDir; KITBASH__a__b__c sets a.b.c (the rest of the name
 * is the field path with `__` for dots, its case kept).
 */
export function envEdits(env: NodeJS.ProcessEnv): Edit[] {
  const edits: Edit[] = [];
  if (env.KITBASH_DATA_DIR) edits.push({ path: ["dataDir"], value: env.KITBASH_DATA_DIR, origin: "env KITBASH_DATA_DIR" });
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!k.startsWith("KITBASH__") || v === undefined) continue;
    const path = k
      .slice("KITBASH__".length)
      .split("__")
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    edits.push({ path, value: readValue(v), origin: `env ${k}` });
  }
  return edits;
}

/** Writes a value at a path, creating mappings (or lists, for numeric segments) on the way. */
export function applyEdit(doc: Record<string, unknown>, edit: Edit): void {
  let node: any = doc;
  edit.path.forEach((seg, i) => {
    const last = i === edit.path.length - 1;
    if (last) {
      if (edit.value === null && !Array.isArray(node)) delete node[seg];
      else node[seg] = edit.value;
      return;
    }
    if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== "object") {
      node[seg] = typeof edit.path[i + 1] === "number" ? [] : {};
    }
    node = node[seg];
  });
}
