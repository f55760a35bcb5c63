// Shared by storage plugins, which may not import each other: core is their common ground.

/**
 * How many keys remain after each page of a paged list, counted once per snapshot: a
 * page read after `after` at revision R leaves the remainder after `after` minus its
 * own length, so paging a whole prefix costs one count rather than one per page.
 */
export class PageRemainders {
  /** Remainders by snapshot (revision and prefix) and the last key of the page they follow; oldest first. */
  private readonly known = new Map<string, number>();

  constructor(private readonly capacity = 1024) {}

  /** Keys left after a page of `length` keys ending at `lastKey`; `count` counts them when the previous page is not known. */
  after(prefix: string, revision: number, previousLastKey: string | undefined, length: number, lastKey: string, count: () => number): number {
    const prev = previousLastKey === undefined ? undefined : id(prefix, revision, previousLastKey);
    const before = prev === undefined ? undefined : this.known.get(prev);
    if (prev !== undefined) this.known.delete(prev);
    const remaining = before === undefined ? count() : before - length;
    this.known.set(id(prefix, revision, lastKey), remaining);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value!);
    return remaining;
  }
}

function id(prefix: string, revision: number, key: string): string {
  return `${revision}\0${prefix}\0${key}`;
}
