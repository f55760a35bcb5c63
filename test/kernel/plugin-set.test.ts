import { describe, expect, it } from "vitest";
import { applyPluginSet, type PlacedPlugin } from "../../core/profile/plugin-set.js";

const placed = (...names: string[]): PlacedPlugin<string>[] => names.map((name) => ({ name, origin: "base" }));
const names = (l: PlacedPlugin<string>[]) => l.map((p) => (p.weight !== undefined ? `${p.name}:${p.weight}` : p.name));

describe("applyPluginSet (the scheduler's mergePluginSet, one layer at a time)", () => {
  const cases: { name: string; current: string[]; set: Parameters<typeof applyPluginSet>[1]; want: string[]; problems?: number }[] = [
    { name: "enabled appends after defaults", current: ["A", "B"], set: { enabled: [{ name: "C" }] }, want: ["A", "B", "C"] },
    { name: "disabled drops one", current: ["A", "B"], set: { disabled: [{ name: "A" }] }, want: ["B"] },
    { name: "* drops all, enabled rebuilds", current: ["A", "B"], set: { disabled: [{ name: "*" }], enabled: [{ name: "B" }, { name: "A" }] }, want: ["B", "A"] },
    { name: "re-listed default is replaced in place", current: ["A", "B", "C"], set: { enabled: [{ name: "B", weight: 5 }] }, want: ["A", "B:5", "C"] },
    { name: "disabling an absent plugin is fine", current: ["A"], set: { disabled: [{ name: "Z" }] }, want: ["A"] },
    { name: "a name twice in one layer is a problem", current: [], set: { enabled: [{ name: "A" }, { name: "A" }] }, want: ["A"], problems: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { result, problems } = applyPluginSet(placed(...c.current), c.set, (list, i) => `${list}[${i}]`);
      expect(names(result)).toEqual(c.want);
      expect(problems).toHaveLength(c.problems ?? 0);
    });
  }

  it("records where each placed plugin came from", () => {
    const { result } = applyPluginSet(placed("A"), { enabled: [{ name: "B" }] }, (list, i) => `layer2:${list}[${i}]`);
    expect(result.map((p) => p.origin)).toEqual(["base", "layer2:enabled[0]"]);
  });
});
