/**
 * Sets of field paths in upstream's FieldsV1 shape. A path is a list of path elements,
 * each already in its FieldsV1 spelling: `f:<field>`, `k:{"name":"web"}` (an item of an
 * associative list, keys sorted), `v:<json>` (an item of a set) or `i:<index>`.
 */
export type Path = readonly string[];

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

const node = (): Node => ({ member: false, children: new Map() });

export class FieldSet {
  private readonly root: Node = node();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (!path.length) return;
    let n = this.root;
    for (const pe of path) {
      let c = n.children.get(pe);
      if (!c) n.children.set(pe, (c = node()));
      n = c;
    }
    n.member = true;
  }

  has(path: Path): boolean {
    const n = this.find(path);
    return !!n?.member;
  }

  /** Whether some member lies strictly below `path`. */
  hasBelow(path: Path): boolean {
    const n = this.find(path);
    return !!n && n.children.size > 0;
  }

  private find(path: Path): Node | undefined {
    let n: Node | undefined = this.root;
    for (const pe of path) {
      n = n.children.get(pe);
      if (!n) return undefined;
    }
    return n;
  }

  empty(): boolean {
    return this.root.children.size === 0;
  }

  /** Every member, depth first in FieldsV1 order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (n: Node, prefix: string[]) => {
      for (const pe of sortElements([...n.children.keys()])) {
        const c = n.children.get(pe)!;
        const p = [...prefix, pe];
        if (c.member) out.push(p);
        walk(c, p);
      }
    };
    walk(this.root, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    copyInto(out.root, this.root, () => true);
    copyInto(out.root, other.root, () => true);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    copyInto(out.root, this.root, (n) => !n?.member, other.root);
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    copyInto(out.root, this.root, (n) => !!n?.member, other.root);
    return out;
  }

  /** Keeps the members `keep` accepts. */
  filter(keep: (p: Path) => boolean): FieldSet {
    const out = new FieldSet();
    const path: string[] = [];
    const walk = (n: Node) => {
      for (const [pe, c] of n.children) {
        path.push(pe);
        if (c.member && keep(path)) out.insert(path);
        walk(c);
        path.pop();
      }
    };
    walk(this.root);
    return out;
  }

  /** The FieldsV1 object: children by element, `.` marking a member that also has children. */
  toFieldsV1(): Record<string, unknown> {
    const enc = (n: Node): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (n.member && n.children.size) out["."] = {};
      for (const pe of sortElements([...n.children.keys()])) out[pe] = enc(n.children.get(pe)!);
      return out;
    };
    return enc(this.root);
  }

  static fromFieldsV1(v: unknown, where = "fieldsV1"): FieldSet {
    const s = new FieldSet();
    const walk = (o: unknown, prefix: string[], at: string) => {
      if (typeof o !== "object" || o === null || Array.isArray(o)) throw new FieldSetError(`${at}: must be an object`);
      const entries = Object.entries(o);
      if (!entries.length && prefix.length) s.insert(prefix);
      for (const [k, child] of entries) {
        if (k === ".") {
          if (prefix.length) s.insert(prefix);
          continue;
        }
        if (!/^[fkvi]:/.test(k)) throw new FieldSetError(`${at}: unknown path element ${JSON.stringify(k)}`);
        walk(child, [...prefix, k], `${at}.${k}`);
      }
    };
    walk(v, [], where);
    return s;
  }
}

/**
 * Copies the members of `from` into `into` that `keep` accepts, given the node at the same
 * path in `peer` (for differences and intersections); returns whether anything was copied.
 */
function copyInto(into: Node, from: Node, keep: (peer: Node | undefined) => boolean, peer?: Node): boolean {
  let any = false;
  for (const [pe, child] of from.children) {
    const peerChild = peer?.children.get(pe);
    let target = into.children.get(pe);
    const fresh = !target;
    target ??= node();
    const member = child.member && keep(peerChild);
    const below = copyInto(target, child, keep, peerChild);
    if (member) target.member = true;
    if ((member || below) && fresh) into.children.set(pe, target);
    any ||= member || below;
  }
  return any;
}

export class FieldSetError extends Error {
  override name = "FieldSetError";
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Upstream's element order: field names, then keys, then values, then indexes. */
function sortElements(pes: string[]): string[] {
  return pes.sort((a, b) => {
    const r = RANK[a[0]!]! - RANK[b[0]!]!;
    if (r) return r;
    if (a[0] === "i") return Number(a.slice(2)) - Number(b.slice(2));
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** A path as conflict messages print it: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case "f":
          return `.${body}`;
        case "k":
          return `[${Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
        case "v":
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}
