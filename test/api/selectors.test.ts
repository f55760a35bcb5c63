import { describe, expect, it } from "vitest";
import { parseLabelSelector, selectorFromLabelSelector } from "../../core/api/labels.js";
import { fieldsOf, parseFieldSelector, validateFieldSelector } from "../../core/api/fields.js";
import { StatusError } from "../../core/api/status.js";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front", env: "prod" };
  const cases: [string, boolean][] = [
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app=web,tier=back", false],
    ["tier in (front, back)", true],
    ["tier notin (front)", false],
    ["missing notin (x)", true],
    ["env", true],
    ["!env", false],
    ["!missing", true],
    ["app = web , env in (prod)", true],
    ["", true],
  ];
  for (const [sel, want] of cases) it(`"${sel}" ${want ? "matches" : "does not match"}`, () => expect(parseLabelSelector(sel).matches(labels)).toBe(want));

  it("rejects malformed selectors with a 400", () => {
    for (const bad of ["app=(x", "in (a)", "a b", "app=web,"]) {
      expect(() => parseLabelSelector(bad), bad).toThrow(StatusError);
    }
    try {
      parseLabelSelector("app=(x");
    } catch (e) {
      expect((e as StatusError).status.code).toBe(400);
    }
  });

  it("compiles metav1.LabelSelector objects", () => {
    const s = selectorFromLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }, { key: "debug", operator: "DoesNotExist" }] });
    expect(s.matches(labels)).toBe(true);
    expect(s.matches({ ...labels, debug: "1" })).toBe(false);
    expect(selectorFromLabelSelector({}).matches({})).toBe(true);
    expect(() => selectorFromLabelSelector({ matchExpressions: [{ key: "a", operator: "In" }] })).toThrow(/must be specified/);
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "p", namespace: "ns" }, spec: { nodeName: "n1", hostNetwork: true }, status: { phase: "Running" } };
  const gr = { group: "", resource: "pods" };
  it("matches upstream pod fields with =, == and !=", () => {
    expect(parseFieldSelector("spec.nodeName=n1,status.phase!=Pending").matches(fieldsOf(gr, pod))).toBe(true);
    expect(parseFieldSelector("spec.nodeName==n2").matches(fieldsOf(gr, pod))).toBe(false);
    expect(parseFieldSelector("spec.hostNetwork=true").matches(fieldsOf(gr, pod))).toBe(true);
    expect(parseFieldSelector("metadata.namespace=ns").matches(fieldsOf(gr, pod))).toBe(true);
  });
  it("answers 400 for fields a resource does not support", () => {
    expect(() => validateFieldSelector({ group: "", resource: "configmaps" }, parseFieldSelector("spec.nodeName=x"))).toThrow("field label not supported: spec.nodeName");
    expect(() => validateFieldSelector({ group: "", resource: "configmaps" }, parseFieldSelector("metadata.name=x"))).not.toThrow();
  });
});
