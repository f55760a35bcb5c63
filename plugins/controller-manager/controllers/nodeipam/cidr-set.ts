import { isIPv4, isIPv6 } from "node:net";

/** A parsed CIDR: its first address as a number, its width in bits and its prefix length. */
export interface Cidr {
  base: bigint;
  bits: 32 | 128;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a CIDR such as 10.244.0.0/16`);
  const ip = m[1]!;
  const prefix = Number(m[2]);
  const bits = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : 0;
  if (!bits || prefix > bits) throw new Error(`"${text}" is not a CIDR such as 10.244.0.0/16`);
  const value = bits === 32 ? ip.split(".").reduce((n, o) => (n << 8n) | BigInt(o), 0n) : ipv6ToBigInt(ip);
  const hostBits = BigInt(bits - prefix);
  return { base: (value >> hostBits) << hostBits, bits, prefix };
}

export function formatCidr(c: Cidr): string {
  if (c.bits === 32) return `${[24n, 16n, 8n, 0n].map((s) => String((c.base >> s) & 255n)).join(".")}/${c.prefix}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((c.base >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
  // The longest run of zero groups (two or more) becomes "::", as RFC 5952 writes addresses.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = best[0]! < 0 ? groups.join(":") : `${groups.slice(0, best[0]).join(":")}::${groups.slice(best[0]! + best[1]!).join(":")}`;
  return `${text}/${c.prefix}`;
}

function ipv6ToBigInt(ip: string): bigint {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

/**
 * Upstream's CidrSet: the subnets of one cluster CIDR at one node mask size, handed out in turn
 * from where the last one was taken and given back when a node goes. `occupy` marks subnets a
 * node already holds, which is how the set is rebuilt after a restart.
 */
export class CidrSet {
  private readonly used = new Set<bigint>();
  private readonly count: bigint;
  private next = 0n;

  constructor(
    readonly cluster: Cidr,
    readonly maskSize: number,
  ) {
    if (maskSize < cluster.prefix) throw new Error(`node CIDR mask size /${maskSize} is wider than the cluster CIDR ${formatCidr(cluster)}`);
    if (maskSize - cluster.prefix > 24) throw new Error(`node CIDR mask size /${maskSize} splits ${formatCidr(cluster)} into more than 2^24 subnets`);
    this.count = 1n << BigInt(maskSize - cluster.prefix);
  }

  get free(): number {
    return Number(this.count) - this.used.size;
  }

  allocate(): Cidr | undefined {
    for (let i = 0n; i < this.count; i++) {
      const candidate = (this.next + i) % this.count;
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.next = (candidate + 1n) % this.count;
      return this.subnet(candidate);
    }
    return undefined;
  }

  /** Marks every subnet `c` overlaps; false if `c` lies outside the cluster CIDR. */
  occupy(c: Cidr): boolean {
    const range = this.indexes(c);
    if (!range) return false;
    for (let i = range[0]; i <= range[1]; i++) this.used.add(i);
    return true;
  }

  release(c: Cidr): void {
    const range = this.indexes(c);
    if (range) for (let i = range[0]; i <= range[1]; i++) this.used.delete(i);
  }

  contains(c: Cidr): boolean {
    return this.indexes(c) !== undefined;
  }

  private subnet(index: bigint): Cidr {
    return { base: this.cluster.base + (index << BigInt(this.cluster.bits - this.maskSize)), bits: this.cluster.bits, prefix: this.maskSize };
  }

  private indexes(c: Cidr): [bigint, bigint] | undefined {
    if (c.bits !== this.cluster.bits || c.prefix < this.cluster.prefix) return undefined;
    const clusterHost = BigInt(this.cluster.bits - this.cluster.prefix);
    if (c.base >> clusterHost !== this.cluster.base >> clusterHost) return undefined;
    const shift = BigInt(this.cluster.bits - this.maskSize);
    const offset = c.base - this.cluster.base;
    const last = offset + (1n << BigInt(c.bits - c.prefix)) - 1n;
    return [offset >> shift, last >> shift];
  }
}
