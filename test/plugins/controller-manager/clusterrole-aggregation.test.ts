import { describe, expect, it } from "vitest";
import type { LabelSelector } from "../../../core/api/labels.js";
import { aggregate } from "../../../plugins/controller-manager/controllers/clusterrole-aggregation/aggregation-controller.js";

const role = (name: string, labels: Record<string, string>, rules: Record<string, unknown>[]) => ({ metadata: { name, labels }, rules });
const read = { verbs: ["get"], apiGroups: [""], resources: ["pods"] };
const write = { verbs: ["create"], apiGroups: [""], resources: ["pods"] };

describe("clusterrole aggregation", () => {
  const view = { ...role("view", { "agg-to-edit": "true" }, []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "agg-to-view": "true" } }] } };
  const edit = { ...role("edit", {}, [read]), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "agg-to-edit": "true" } }, { matchLabels: { extra: "yes" } }] as LabelSelector[] } };

  it("takes the matched roles' rules in name order, each rule once, never its own", () => {
    const all = [edit, view, role("z-edit", { "agg-to-edit": "true" }, [write, read]), role("a-extra", { extra: "yes" }, [read]), role("other", {}, [{ verbs: ["*"] }])];
    expect(aggregate(edit, all)).toEqual([read, write]);
  });

  it("an aggregated role found by another aggregates what it holds now", () => {
    const filledView = { ...view, rules: [read] };
    expect(aggregate(edit, [edit, filledView])).toEqual([read]);
    expect(aggregate(view, [edit, filledView])).toEqual([]);
  });
});
