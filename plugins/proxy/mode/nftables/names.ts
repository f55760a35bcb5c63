import { createHash } from "node:crypto";
import type { ServicePort } from "../../../../core/proxy/index.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** First 8 base32 characters of sha256(text): the prefix that keeps upstream's chain names unique. */
function hash8(text: string): string {
  const bytes = createHash("sha256").update(text).digest();
  let out = "";
  let bits = 0;
  let value = 0;
  for (let i = 0; out.length < 8; i++) {
    value = ((value << 8) | bytes[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** `ns/name/tcp/portName`, the readable part of upstream's nftables chain names. */
const readable = (sp: ServicePort) => `${sp.namespace}/${sp.name}/${sp.protocol.toLowerCase()}/${sp.portName}`;
const tag = (prefix: string, sp: ServicePort) => `${prefix}-${hash8(sp.key + sp.protocol.toLowerCase())}-${readable(sp)}`;

export const serviceChain = (sp: ServicePort) => tag("service", sp);
export const localChain = (sp: ServicePort) => tag("local", sp);
export const externalChain = (sp: ServicePort) => tag("external", sp);
export const endpointChain = (sp: ServicePort, ip: string, port: number) =>
  `endpoint-${hash8(sp.key + sp.protocol.toLowerCase() + `${ip}:${port}`)}-${readable(sp)}__${ip.replaceAll(":", ".")}/${port}`;
export const affinitySet = (sp: ServicePort, ip: string, port: number) => `affinity-${hash8(sp.key + sp.protocol.toLowerCase() + `${ip}:${port}`)}-${readable(sp)}__${ip.replaceAll(":", ".")}/${port}`;
