/**
 * The mapping between the contract's string keys and etcd's byte keys: an optional
 * prefix in front (kube-apiserver's --etcd-prefix) and etcd's range conventions.
 */
export class KeySpace {
  private readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix, "utf8");
  }

  key(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, "utf8")]);
  }

  /** The contract's key of an etcd key under the prefix. */
  strip(key: Buffer): string {
    return key.subarray(this.prefix.length).toString("utf8");
  }

  /** etcd's [key, range_end) for keys under `prefix` that sort after `after`. */
  range(prefix: string, after?: string): { key: Buffer; range_end: Buffer } {
    const start = this.key(prefix);
    const end = rangeEnd(start);
    // The smallest key greater than `after` is `after` + NUL.
    const from = after !== undefined && after >= prefix ? this.key(after + "\0") : start;
    // etcd refuses an empty key; "\0" is the smallest non-empty one.
    return { key: from.length ? from : Buffer.from([0]), range_end: end };
  }
}

/** etcd's prefix range end: the prefix with its last byte below 0xff incremented; "\0" (to the end) when there is none. */
function rangeEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = prefix[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}
