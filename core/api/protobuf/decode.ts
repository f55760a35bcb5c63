import { field, messageFor } from "./message-table.js";
import { Reader } from "./wire.js";

const META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
const INT = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64", "enum"]);

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  const base = d.toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${base}Z`;
}

/** Messages whose JSON form is not an object of their fields. */
function special(type: string, r: Reader): unknown {
  switch (type) {
    case `${META}Time`:
    case `${META}MicroTime`: {
      let s = 0;
      let n = 0;
      // A zero Time travels as an empty message: the field is unset.
      if (r.done()) return undefined;
      while (!r.done()) {
        const { field: f, wire } = r.tag();
        if (f === 1 && wire === 0) s = Number(BigInt.asIntN(64, r.varint()));
        else if (f === 2 && wire === 0) n = Number(r.varint());
        else r.skip(wire);
      }
      return rfc3339(s, n, type.endsWith("MicroTime"));
    }
    case "k8s.io.apimachinery.pkg.api.resource.Quantity": {
      let s = "";
      while (!r.done()) {
        const { field: f, wire } = r.tag();
        if (f === 1 && wire === 2) s = new TextDecoder().decode(r.bytes());
        else r.skip(wire);
      }
      return s;
    }
    case "k8s.io.apimachinery.pkg.util.intstr.IntOrString": {
      let t = 0;
      let i = 0;
      let s = "";
      while (!r.done()) {
        const { field: f, wire } = r.tag();
        if (f === 1 && wire === 0) t = Number(r.varint());
        else if (f === 2 && wire === 0) i = Number(BigInt.asIntN(32, r.varint()));
        else if (f === 3 && wire === 2) s = new TextDecoder().decode(r.bytes());
        else r.skip(wire);
      }
      return t === 1 ? s : i;
    }
    case "k8s.io.apimachinery.pkg.runtime.RawExtension":
    case `${META}FieldsV1`: {
      let raw: Uint8Array | undefined;
      while (!r.done()) {
        const { field: f, wire } = r.tag();
        if (f === 1 && wire === 2) raw = r.bytes();
        else r.skip(wire);
      }
      return raw && raw.length ? JSON.parse(new TextDecoder().decode(raw)) : {};
    }
    case `${META}Duration`: {
      let ns = 0n;
      while (!r.done()) {
        const { field: f, wire } = r.tag();
        if (f === 1 && wire === 0) ns = BigInt.asIntN(64, r.varint());
        else r.skip(wire);
      }
      return goDuration(ns);
    }
  }
  return undefined;
}

function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  let s = Number(ns) / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${Number(s.toFixed(9))}s`;
}

const SPECIAL = new Set([`${META}Time`, `${META}MicroTime`, "k8s.io.apimachinery.pkg.api.resource.Quantity", "k8s.io.apimachinery.pkg.util.intstr.IntOrString", "k8s.io.apimachinery.pkg.runtime.RawExtension", `${META}FieldsV1`, `${META}Duration`]);

function scalar(type: string, wire: number, r: Reader): unknown {
  if (type === "string") return new TextDecoder().decode(r.bytes());
  if (type === "bytes") return Buffer.from(r.bytes()).toString("base64");
  if (type === "bool") return r.varint() !== 0n;
  if (INT.has(type)) return Number(type.endsWith("32") ? BigInt.asIntN(32, r.varint()) : BigInt.asIntN(64, r.varint()));
  if (type === "double") return r.fixed(8).getFloat64(0, true);
  if (type === "float") return r.fixed(4).getFloat32(0, true);
  r.skip(wire);
  return undefined;
}

function value(type: string, wire: number, r: Reader): unknown {
  if (type.includes(".")) {
    const b = r.bytes();
    return decodeMessage(type, new Reader(b));
  }
  return scalar(type, wire, r);
}

/** Decodes one generated.proto message into its Kubernetes JSON form. */
export function decodeMessage(type: string, r: Reader): unknown {
  if (SPECIAL.has(type)) return special(type, r);
  // ExtraValue and friends: a message of one repeated string, JSON as a bare list.
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const { field: n, wire } = r.tag();
    const f = field(type, n);
    if (!f) {
      r.skip(wire);
      continue;
    }
    const [, name, ftype, flags] = f;
    if (Array.isArray(ftype)) {
      const entry = new Reader(r.bytes());
      let k: unknown = "";
      let v: unknown;
      while (!entry.done()) {
        const t = entry.tag();
        if (t.field === 1) k = value(ftype[0], t.wire, entry);
        else if (t.field === 2) v = value(ftype[1], t.wire, entry);
        else entry.skip(t.wire);
      }
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[String(k)] = v ?? (ftype[1] === "string" ? "" : ftype[1].includes(".") ? {} : v);
      continue;
    }
    if (flags === "r") {
      const list = (out[name] ??= []) as unknown[];
      if (wire === 2 && !ftype.includes(".") && ftype !== "string" && ftype !== "bytes") {
        const packed = new Reader(r.bytes());
        while (!packed.done()) list.push(scalar(ftype, ftype === "double" ? 1 : ftype === "float" ? 5 : 0, packed));
      } else list.push(value(ftype, wire, r));
      continue;
    }
    // A Go embedding (Volume's VolumeSource, Probe's handler) is its own message on the wire, inlined in JSON.
    if (flags === "i") {
      Object.assign(out, value(ftype, wire, r));
      continue;
    }
    // Go's omitempty: non-pointer fields travel even when empty, but their JSON leaves
    // them out: empty strings always, zero numbers and false where the table says so.
    const v = value(ftype, wire, r);
    if (v === undefined || v === "" || (flags === "z" && (v === 0 || v === false))) continue;
    out[name] = v;
  }
  if (/\.(ExtraValue|Verbs)$/.test(type) && Object.keys(out).length <= 1) return (out.items as unknown[]) ?? [];
  return out;
}

export function decodeObject(apiVersion: string, kind: string, raw: Uint8Array): Record<string, unknown> {
  const obj = decodeMessage(messageFor(apiVersion, kind), new Reader(raw)) as Record<string, unknown>;
  return { apiVersion, kind, ...obj };
}
