import { Reader, Writer } from "./wire.js";

/** "k8s\0": the prefix of every Kubernetes protobuf body. */
export const MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/** Reads runtime.Unknown{1: typeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}. */
export function decodeEnvelope(buf: Uint8Array): Envelope {
  if (buf.length < 4 || MAGIC.some((b, i) => buf[i] !== b)) throw new Error("missing the k8s\\0 protobuf prefix");
  const r = new Reader(buf.subarray(4));
  const env: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array() };
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === 2) {
      const tm = new Reader(r.bytes());
      while (!tm.done()) {
        const t = tm.tag();
        if (t.field === 1 && t.wire === 2) env.apiVersion = text(tm.bytes());
        else if (t.field === 2 && t.wire === 2) env.kind = text(tm.bytes());
        else tm.skip(t.wire);
      }
    } else if (field === 2 && wire === 2) env.raw = r.bytes();
    else if (field === 3 && wire === 2) env.contentEncoding = text(r.bytes());
    else if (field === 4 && wire === 2) env.contentType = text(r.bytes());
    else r.skip(wire);
  }
  if (!env.kind) throw new Error("protobuf envelope names no kind");
  return env;
}

export function encodeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const typeMeta = new Writer().bytes(1, enc.encode(apiVersion)).bytes(2, enc.encode(kind)).finish();
  const body = new Writer().bytes(1, typeMeta).bytes(2, raw).bytes(3, new Uint8Array()).bytes(4, new Uint8Array()).finish();
  const out = new Uint8Array(4 + body.length);
  out.set(MAGIC);
  out.set(body, 4);
  return out;
}
