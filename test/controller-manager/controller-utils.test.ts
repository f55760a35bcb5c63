import { describe, expect, it } from "vitest";
import { Expectations, fnv32a, isPodAvailable, revisionHash, safeEncodeString, sameStatus, scaledValue, setCondition, type Condition } from "../../core/controller-manager/index.js";

describe("controller utils", () => {
  it.each([
    [1, 10, true, 1],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["100%", 3, false, 3],
    [undefined, 10, true, 1],
  ] as const)("scaledValue(%j of %i, up=%s) = %i", (v, total, up, want) => {
    expect(scaledValue(v, total, up, 1)).toBe(want);
  });

  it("refuses a malformed int-or-percent", () => {
    expect(() => scaledValue("ten", 10, true)).toThrow(/not an integer or a percentage/);
  });

  it.each([
    [{ active: 0, succeeded: 3, conditions: [] }, { succeeded: 3 }, true],
    [{ completedIndexes: "" }, {}, true],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ succeeded: 3 }, { succeeded: 2 }, false],
    [{ conditions: [{ type: "Complete", status: "True" }] }, {}, false],
  ])("sameStatus(%j, %j) = %s", (a, b, want) => {
    expect(sameStatus(a, b)).toBe(want);
  });

  it("setCondition keeps lastTransitionTime while the status holds", () => {
    const conds: Condition[] = [{ type: "Ready", status: "True", reason: "A", lastTransitionTime: "t0" }];
    expect(setCondition(conds, { type: "Ready", status: "True", reason: "B", lastTransitionTime: "t1" })).toBe(true);
    expect(conds[0]!.lastTransitionTime).toBe("t0");
    expect(setCondition(conds, { type: "Ready", status: "True", reason: "B", lastTransitionTime: "t2" })).toBe(false);
    setCondition(conds, { type: "Ready", status: "False", lastTransitionTime: "t3" });
    expect(conds[0]!.lastTransitionTime).toBe("t3");
  });

  it("isPodAvailable waits minReadySeconds after Ready", () => {
    const pod = { metadata: {}, status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
    const t = Date.parse("2026-01-01T00:00:00Z");
    expect(isPodAvailable(pod, 10, t + 5_000)).toBe(false);
    expect(isPodAvailable(pod, 10, t + 10_000)).toBe(true);
  });

  it("expectations are met once every create is seen, or after five minutes", () => {
    let now = 0;
    const e = new Expectations(() => now);
    e.expect("k", 2, 0);
    e.observed("k", "adds");
    expect(e.satisfied("k")).toBe(false);
    e.observed("k", "adds");
    expect(e.satisfied("k")).toBe(true);
    e.expect("k", 1, 0);
    now = 5 * 60_000 + 1;
    expect(e.satisfied("k")).toBe(true);
  });

  it("hashes as FNV-32a (published test vectors) with upstream's safe encoding", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv32a("foobar")).toBe(0xbf9cf968);
    expect(safeEncodeString("0123456789")).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(revisionHash({ a: 1 })).toBe(revisionHash({ a: 1 }));
    expect(revisionHash({ a: 1 }, 1)).not.toBe(revisionHash({ a: 1 }));
  });
});
