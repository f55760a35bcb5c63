import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ErrorCodes, KitbashError, type SourceLocation } from "../kernel/errors.js";
import type { FieldPath } from "./types.js";

/**
 * One layer of configuration: a file (with its parsed YAML kept so any field can be
 * traced back to a line and column) or a command-line / environment edit.
 */
export interface Layer {
  /** What the layer is, in the precedence order published in docs/profiles.md. */
  kind: "defaults" | "extends" | "profile" | "drop-in" | "env" | "set";
  /** File path, or a description such as `--set a.b=1`. */
  origin: string;
  data: Record<string, unknown>;
  doc?: Document;
  lines?: LineCounter;
  /** Where the profile sits inside the document (`["kitbash"]` for package.json). */
  base: FieldPath;
}

export function readLayer(file: string, kind: Layer["kind"], base: FieldPath = []): Layer {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new KitbashError(ErrorCodes.PROFILE_NOT_FOUND, `cannot read profile: ${(err as Error).message}`, { location: { file } });
  }
  return parseLayer(text, file, kind, base);
}

export function parseLayer(text: string, file: string, kind: Layer["kind"], base: FieldPath = []): Layer {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    throw new KitbashError(ErrorCodes.CONFIG, `YAML syntax error: ${e.message.split("\n")[0]}`, {
      location: { file, line: pos?.line, column: pos?.col },
    });
  }
  let data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  for (const seg of base) data = (data as Record<string | number, unknown> | undefined)?.[seg];
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new KitbashError(ErrorCodes.CONFIG, "a profile must be a YAML mapping", { location: { file, line: 1, column: 1 } });
  }
  return { kind, origin: file, data: data as Record<string, unknown>, doc, lines, base };
}

/** The closest line and column for a field path; walks up to the nearest node that exists. */
export function locate(layer: Layer, path: FieldPath): SourceLocation {
  if (!layer.doc || !layer.lines) return { file: layer.origin };
  for (let n = path.length; n >= 0; n--) {
    const full = [...layer.base, ...path.slice(0, n)];
    const node = nodeAt(layer.doc, full);
    if (node?.range) {
      const pos = layer.lines.linePos(node.range[0]);
      return { file: layer.origin, line: pos.line, column: pos.col };
    }
  }
  return { file: layer.origin };
}

/** For a key of a mapping, point at the key itself (where a misspelt field name is). */
export function locateKey(layer: Layer, parent: FieldPath, key: string): SourceLocation {
  if (!layer.doc || !layer.lines) return { file: layer.origin };
  const node = nodeAt(layer.doc, [...layer.base, ...parent]);
  if (node && isMap(node)) {
    const pair = node.items.find((p) => (p.key as Node & { value?: unknown })?.toString() === key || (p.key as any)?.value === key);
    const k = pair?.key as Node | undefined;
    if (k?.range) {
      const pos = layer.lines.linePos(k.range[0]);
      return { file: layer.origin, line: pos.line, column: pos.col };
    }
  }
  return locate(layer, [...parent, key]);
}

function nodeAt(doc: Document, path: FieldPath): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as any;
        return (k && typeof k === "object" && "value" in k ? k.value : k) === seg;
      });
      node = pair?.value;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}
