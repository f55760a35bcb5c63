/**
 * The part of Kubernetes' JSONPath that printer columns use: `.field`, `['field']`,
 * `[n]`, `[*]` and filters `[?(@.path=="value")]` / `!=`, with or without the
 * surrounding braces. Evaluation gives every match, in order.
 */
type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; op: "==" | "!="; value: unknown } };

export class JsonPathError extends Error {
  override name = "JsonPathError";
}

export function parseJsonPath(text: string): Step[] {
  let src = text.trim();
  if (src.startsWith("{") && src.endsWith("}")) src = src.slice(1, -1).trim();
  const steps: Step[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new JsonPathError(`${why} at ${i} in ${JSON.stringify(text)}`);
  };
  if (src.startsWith("$")) i = 1;
  while (i < src.length) {
    if (src[i] === ".") {
      const m = /^\.([A-Za-z0-9_\-]+)/.exec(src.slice(i));
      if (!m) fail("expected a field name");
      steps.push({ field: m![1]! });
      i += m![0].length;
    } else if (src[i] === "[") {
      const end = closing(src, i);
      if (end < 0) fail("unclosed [");
      steps.push(bracket(src.slice(i + 1, end).trim(), fail));
      i = end + 1;
    } else fail(`unexpected ${JSON.stringify(src[i])}`);
  }
  return steps;
}

function closing(src: string, open: number): number {
  let depth = 0;
  let quote = "";
  for (let j = open; j < src.length; j++) {
    const c = src[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return j;
  }
  return -1;
}

function bracket(inner: string, fail: (why: string) => never): Step {
  if (inner === "*") return { all: true };
  if (/^-?\d+$/.test(inner)) return { index: Number(inner) };
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { field: quoted[2]! };
  const filter = /^\?\(@((?:\.[A-Za-z0-9_\-]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
  if (!filter) return fail(`unsupported expression [${inner}]`);
  const raw = filter[3]!.trim();
  const str = /^(['"])(.*)\1$/.exec(raw);
  const value = str ? str[2] : raw === "true" ? true : raw === "false" ? false : Number.isNaN(Number(raw)) ? fail(`unsupported value ${raw}`) : Number(raw);
  return { filter: { path: filter[1]!.slice(1).split("."), op: filter[2] as "==" | "!=", value } };
}

export function evaluateJsonPath(steps: Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== "object") continue;
      if ("field" in step) {
        if (!Array.isArray(v) && step.field in v) next.push((v as Record<string, unknown>)[step.field]);
      } else if ("index" in step) {
        if (Array.isArray(v)) {
          const at = step.index < 0 ? v.length + step.index : step.index;
          if (at >= 0 && at < v.length) next.push(v[at]);
        }
      } else if ("all" in step) {
        next.push(...(Array.isArray(v) ? v : Object.values(v)));
      } else {
        const { path, op, value } = step.filter;
        for (const item of Array.isArray(v) ? v : Object.values(v)) {
          const got = path.reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), item);
          if ((got === value) === (op === "==")) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
