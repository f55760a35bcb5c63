import { describe, expect, it } from "vitest";
import { evaluateJsonPath, JsonPathError, parseJsonPath } from "../../core/api/jsonpath.js";

const obj = {
  metadata: { name: "w1", labels: { "app.kubernetes.io/name": "shop" } },
  spec: { size: 3, ports: [{ port: 80 }, { port: 443 }] },
  status: { conditions: [{ type: "Ready", status: "True" }, { type: "Synced", status: "False" }] },
};
const eval_ = (path: string) => evaluateJsonPath(parseJsonPath(path), obj);

describe("JSONPath for printer columns", () => {
  it.each([
    [".spec.size", [3]],
    ["{.spec.size}", [3]],
    [".spec.ports[1].port", [443]],
    [".spec.ports[-1].port", [443]],
    [".spec.ports[*].port", [80, 443]],
    [".metadata.labels['app.kubernetes.io/name']", ["shop"]],
    ['.status.conditions[?(@.type=="Ready")].status', ["True"]],
    [".status.conditions[?(@.status!='True')].type", ["Synced"]],
    [".spec.missing", []],
    [".spec.ports[5]", []],
  ])("%s", (path, want) => {
    expect(eval_(path)).toEqual(want);
  });

  it("refuses what it cannot read, naming where", () => {
    expect(() => parseJsonPath(".spec..size")).toThrow(JsonPathError);
    expect(() => parseJsonPath(".spec[?(@.a > 1)]")).toThrow(/unsupported expression/);
    expect(() => parseJsonPath(".spec[0")).toThrow(/unclosed \[ at 5/);
  });
});
