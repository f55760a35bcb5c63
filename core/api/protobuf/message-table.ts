import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/package-root.js";

/** [number, JSON name, type (or [keyType, valueType] for maps), flags ("r" repeated, "i" inlined in JSON, "z" zero left out of JSON)]. */
export type FieldEntry = [number, string, string | [string, string], string];

let table: Record<string, FieldEntry[]> | undefined;
let byNumber: Map<string, Map<number, FieldEntry>> | undefined;

function load(): Record<string, FieldEntry[]> {
  table ??= (JSON.parse(readFileSync(join(packageRoot(), "schemas", "kubernetes", "protobuf-fields.json"), "utf8")) as { messages: Record<string, FieldEntry[]> }).messages;
  return table;
}

export function fields(message: string): FieldEntry[] | undefined {
  return load()[message];
}

export function field(message: string, n: number): FieldEntry | undefined {
  byNumber ??= new Map();
  let m = byNumber.get(message);
  if (!m) {
    m = new Map((fields(message) ?? []).map((f) => [f[0], f]));
    byNumber.set(message, m);
  }
  return m.get(n);
}

/** The generated.proto message of a kind: `apps/v1` Deployment → k8s.io.api.apps.v1.Deployment. */
export function messageFor(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  const candidates =
    group === ""
      ? [`k8s.io.api.core.${version}.${kind}`]
      : group === "meta.k8s.io"
        ? [`k8s.io.apimachinery.pkg.apis.meta.${version}.${kind}`]
        : [`k8s.io.api.${group.replace(/\.k8s\.io$/, "").split(".")[0]}.${version}.${kind}`];
  // Options kinds (DeleteOptions, …) are registered in every group version but defined once, in meta.
  candidates.push(`k8s.io.apimachinery.pkg.apis.meta.${version}.${kind}`);
  for (const c of candidates) if (load()[c]) return c;
  throw new Error(`no protobuf message for ${kind} in ${apiVersion}`);
}
