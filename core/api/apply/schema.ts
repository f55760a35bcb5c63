import { definition, type DefinitionSchema } from "../schema/kubernetes-schemas.js";
import { omitRule } from "../schema/omitempty.js";

/**
 * The type facts server-side apply needs from a schema, whatever its source: built-in
 * definitions (with refs and patch strategies) or a CRD's structural schema.
 */
export type ListType = "atomic" | "set" | "map";
export type TypeKind = "scalar" | "struct" | "map" | "list" | "deduced";

type Raw = DefinitionSchema | Record<string, any>;

const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/**
 * Defaults of associative-list keys that the 1.36 OpenAPI v3 documents declare (v2 drops
 * `default`): a port without a protocol is keyed as TCP, as upstream keys it.
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: "TCP" };

const builtins = new Map<string, ApplySchema>();

export class ApplySchema {
  // Nodes are immutable: children and resolution are computed once and shared.
  private readonly fields = new Map<string, ApplySchema>();
  private itemNode: ApplySchema | undefined;
  private resolution: { schema: Raw | undefined; name?: string } | undefined;

  private constructor(
    private readonly raw: Raw | undefined,
    /** Built-in lists without a list type fall back to their patch strategy; CRD lists are atomic. */
    private readonly builtin: boolean,
    private readonly top = false,
  ) {}

  static builtin(definitionName: string): ApplySchema {
    let s = builtins.get(definitionName);
    if (!s) builtins.set(definitionName, (s = new ApplySchema({ ref: definitionName }, true, true)));
    return s;
  }

  /** A CRD version's structural schema; metadata is always ObjectMeta, as upstream treats it. */
  static crd(openAPIV3Schema: Record<string, any> | undefined, preserveUnknownFields = false): ApplySchema {
    return new ApplySchema(openAPIV3Schema && !preserveUnknownFields ? openAPIV3Schema : undefined, false, true);
  }

  static deduced(): ApplySchema {
    return new ApplySchema(undefined, false);
  }

  private get s(): Raw | undefined {
    return this.resolved().schema;
  }

  private resolved(): { schema: Raw | undefined; name?: string } {
    return (this.resolution ??= this.resolve());
  }

  private resolve(): { schema: Raw | undefined; name?: string } {
    let cur = this.raw;
    let name: string | undefined;
    for (let i = 0; this.builtin && cur?.ref && i < 10; i++) {
      name = cur.ref as string;
      cur = definition(name);
    }
    return { schema: cur, ...(name ? { name } : {}) };
  }

  /**
   * Whether a declared field is there even in an empty object, as Go writes a built-in
   * kind's fields that are not omitempty; unstructured (CRD) objects start empty.
   */
  presentWhenEmpty(field: string): boolean {
    let present = this.omitted.get(field);
    if (present === undefined) {
      const { name } = this.resolved();
      present = !!name && this.declares(field) && omitRule(name, field) === undefined;
      this.omitted.set(field, present);
    }
    return present;
  }

  private kindMemo: TypeKind | undefined;
  private readonly omitted = new Map<string, boolean>();

  kind(): TypeKind {
    return (this.kindMemo ??= this.computeKind());
  }

  private computeKind(): TypeKind {
    const s = this.s;
    if (!s) return "deduced";
    if (s["x-kubernetes-int-or-string"]) return "scalar";
    if (s.type === "array") return "list";
    if (s.properties && Object.keys(s.properties).length) return "struct";
    if (typeof s.additionalProperties === "object") return "map";
    if (s.type === "object" || s.type === undefined) return "deduced";
    return "scalar";
  }

  /** Maps and structs marked atomic are owned and replaced whole. */
  atomic(): boolean {
    const s = this.s;
    if (s?.["x-kubernetes-map-type"] === "atomic") return true;
    return this.kind() === "list" && this.listType() === "atomic";
  }

  declares(name: string): boolean {
    return !!this.s?.properties && Object.hasOwn(this.s.properties, name);
  }

  field(name: string): ApplySchema {
    let f = this.fields.get(name);
    if (!f) this.fields.set(name, (f = this.makeField(name)));
    return f;
  }

  private makeField(name: string): ApplySchema {
    if (this.top && name === "metadata") return new ApplySchema({ ref: OBJECT_META }, true);
    const s = this.s;
    if (s?.properties && Object.hasOwn(s.properties, name)) return new ApplySchema(s.properties[name], this.builtin);
    if (typeof s?.additionalProperties === "object") return new ApplySchema(s.additionalProperties, this.builtin);
    return ApplySchema.deduced();
  }

  item(): ApplySchema {
    if (this.itemNode) return this.itemNode;
    const items = this.s?.items;
    return (this.itemNode = items && typeof items === "object" ? new ApplySchema(items, this.builtin) : ApplySchema.deduced());
  }

  listType(): ListType {
    const s = this.s;
    const declared = s?.["x-kubernetes-list-type"];
    if (declared === "atomic" || declared === "set" || declared === "map") return declared;
    if (!this.builtin) return "atomic";
    const strategy = String(s?.["x-kubernetes-patch-strategy"] ?? "").split(",");
    if (!strategy.includes("merge")) return "atomic";
    return s?.["x-kubernetes-patch-merge-key"] ? "map" : "set";
  }

  mapKeys(): string[] {
    const s = this.s;
    const keys = s?.["x-kubernetes-list-map-keys"] as string[] | undefined;
    if (keys?.length) return [...keys];
    const mergeKey = s?.["x-kubernetes-patch-merge-key"] as string | undefined;
    return mergeKey ? [mergeKey] : [];
  }
}

export function keyDefault(field: string): unknown {
  return KEY_DEFAULTS[field];
}
