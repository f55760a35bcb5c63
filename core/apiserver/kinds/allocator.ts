import type { Storage } from "../storage.js";

/**
 * Hands out members of a range (service IPs, node ports) by creating one storage key
 * per member, so two API servers on one store never hand out the same member and a
 * restart forgets nothing.
 */
export class RangeAllocator {
  private cursor = 0;

  constructor(
    private readonly storage: Storage,
    private readonly prefix: string,
    private readonly size: number,
    private readonly member: (offset: number) => string,
    private readonly offsetOf: (member: string) => number | undefined,
  ) {}

  contains(member: string): boolean {
    const o = this.offsetOf(member);
    return o !== undefined && o >= 0 && o < this.size;
  }

  /** Claims a given member; false if it is taken. */
  async claim(member: string, owner: string): Promise<boolean> {
    const res = await this.storage.create(this.prefix + member, JSON.stringify({ owner }));
    return res.ok;
  }

  /** Claims the next free member after the last one handed out. */
  async next(owner: string): Promise<string | undefined> {
    for (let i = 0; i < this.size; i++) {
      const offset = (this.cursor + i) % this.size;
      const m = this.member(offset);
      if (await this.claim(m, owner)) {
        this.cursor = offset + 1;
        return m;
      }
    }
    return undefined;
  }

  async release(member: string): Promise<void> {
    await this.storage.delete(this.prefix + member);
  }
}

export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const base = (((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]!) >>> 0;
  const bits = +m[5]!;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, bits };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function ipToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m || m.slice(1).some((x) => +x > 255)) return undefined;
  return (((+m[1]! << 24) >>> 0) + (+m[2]! << 16) + (+m[3]! << 8) + +m[4]!) >>> 0;
}

/** Service IPs: the CIDR less its network address; the first usable one is the `kubernetes` Service's. */
export function serviceIPAllocator(storage: Storage, cidr: string): RangeAllocator & { first: string } {
  const { base, bits } = parseCidr(cidr);
  const size = Math.max(0, 2 ** (32 - bits) - 2);
  const alloc = new RangeAllocator(
    storage,
    "/registry/ranges/serviceips/",
    size,
    (o) => ipToString(base + 1 + o),
    (ip) => {
      const n = ipToNumber(ip);
      return n === undefined ? undefined : n - base - 1;
    },
  );
  return Object.assign(alloc, { first: ipToString(base + 1) });
}

/** Node ports from a `lo-hi` range; `range` is kept for the messages that name it. */
export function nodePortAllocator(storage: Storage, range: string): RangeAllocator & { range: string } {
  const [lo, hi] = range.split("-").map(Number) as [number, number];
  const allocator = new RangeAllocator(
    storage,
    "/registry/ranges/servicenodeports/",
    hi - lo + 1,
    (o) => String(lo + o),
    (p) => (/^\d+$/.test(p) ? Number(p) - lo : undefined),
  );
  return Object.assign(allocator, { range });
}
