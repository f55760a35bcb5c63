import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/package-root.js";

/**
 * Typed access to schemas/kubernetes/, the facts `npm run gen:kubernetes` derives from the
 * upstream OpenAPI document (scripts/derive-kubernetes-schemas.mjs explains the format). Each
 * file is read on first use and kept; the results are shared, so treat them as read-only.
 */

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceInfo extends GroupVersionKind {
  /** `status`, `scale`, `exec`, …; group/version/kind are those of the subresource's body. */
  name: string;
  verbs: readonly Verb[];
  /** The body's definition name; absent for connect subresources and `log`. */
  definition?: string;
}

export interface ResourceInfo extends GroupVersionKind {
  /** "" for the core group. */
  group: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: readonly Verb[];
  shortNames: readonly string[];
  categories: readonly string[];
  /** Name of the kind's definition, e.g. `io.k8s.api.core.v1.Pod`. */
  definition: string;
  /** Absent for create-only kinds (reviews, bindings). */
  listDefinition?: string;
  subresources: readonly SubresourceInfo[];
}

/**
 * One compacted schema node. `ref` names another definition (look it up with definition());
 * it replaces the spec's `$ref: "#/definitions/<name>"`.
 */
export interface DefinitionSchema {
  type?: string;
  format?: string;
  ref?: string;
  items?: DefinitionSchema;
  additionalProperties?: boolean | DefinitionSchema;
  properties?: Readonly<Record<string, DefinitionSchema>>;
  required?: readonly string[];
  enum?: readonly unknown[];
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: readonly string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-group-version-kind"?: readonly GroupVersionKind[];
  "x-kubernetes-unions"?: readonly unknown[];
  [extension: `x-kubernetes-${string}`]: unknown;
}

let resourceList: readonly ResourceInfo[] | undefined;
let byPlural: Map<string, ResourceInfo> | undefined;
let byKind: Map<string, ResourceInfo> | undefined;
let definitionMap: Readonly<Record<string, DefinitionSchema>> | undefined;

function load<T>(file: string, field: string): T {
  const path = join(packageRoot(), "schemas", "kubernetes", file);
  return JSON.parse(readFileSync(path, "utf8"))[field] as T;
}

/** Every built-in resource of the served stable group/versions. */
export function resources(): readonly ResourceInfo[] {
  return (resourceList ??= load<ResourceInfo[]>("resources.json", "resources"));
}

/** A definition by its full name (`io.k8s.api.core.v1.PodSpec`), or undefined. */
export function definition(name: string): DefinitionSchema | undefined {
  definitionMap ??= load<Record<string, DefinitionSchema>>("definitions.json", "definitions");
  return Object.hasOwn(definitionMap, name) ? definitionMap[name] : undefined;
}

export function resourceFor(r: { group: string; version: string; plural: string }): ResourceInfo | undefined {
  byPlural ??= new Map(resources().map((x) => [`${x.group}/${x.version}/${x.plural}`, x]));
  return byPlural.get(`${r.group}/${r.version}/${r.plural}`);
}

export function resourceForKind(k: GroupVersionKind): ResourceInfo | undefined {
  if (!byKind) {
    byKind = new Map();
    // Kinds are unique per group/version among the built-ins; keep the first should that change.
    for (const x of resources()) {
      const key = `${x.group}/${x.version}/${x.kind}`;
      if (!byKind.has(key)) byKind.set(key, x);
    }
  }
  return byKind.get(`${k.group}/${k.version}/${k.kind}`);
}

/** Every definition name, for documents that serve the schemas (OpenAPI). */
export function definitionNames(): string[] {
  definitionMap ??= load<Record<string, DefinitionSchema>>("definitions.json", "definitions");
  return Object.keys(definitionMap);
}
