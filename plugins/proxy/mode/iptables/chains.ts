import { createHash } from "node:crypto";
import type { ServicePort } from "../../../../core/proxy/index.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (standard alphabet), the encoding upstream's chain names use. */
function base32(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** First 16 base32 characters of sha256(text), upstream's portProtoHash. */
export function hash16(text: string): string {
  return base32(createHash("sha256").update(text).digest()).slice(0, 16);
}

const portProto = (sp: ServicePort) => hash16(sp.key + sp.protocol.toLowerCase());

export const svcChain = (sp: ServicePort) => `KUBE-SVC-${portProto(sp)}`;
export const svlChain = (sp: ServicePort) => `KUBE-SVL-${portProto(sp)}`;
export const extChain = (sp: ServicePort) => `KUBE-EXT-${portProto(sp)}`;
export const sepChain = (sp: ServicePort, ip: string, port: number) => `KUBE-SEP-${hash16(sp.key + sp.protocol.toLowerCase() + `${ip.includes(":") ? `[${ip}]` : ip}:${port}`)}`;
