import { describe, expect, it } from "vitest";
import { milliValue, parseQuantity, wholeValue } from "../../core/api/quantity.js";
import { podRequests } from "../../core/scheduler/resources.js";
import type { Container, Pod } from "../../core/scheduler/api-types.js";

const makePod = (name: string, opts: { containers?: Container[]; spec?: Partial<Pod["spec"]> } = {}): Pod => ({
  metadata: { name, namespace: "default" },
  spec: { containers: opts.containers ?? [{ name: "c" }], ...opts.spec },
});

describe("quantities", () => {
  it.each([
    ["100m", 0.1],
    ["1", 1],
    ["1.5", 1.5],
    ["2Ki", 2048],
    ["1Gi", 2 ** 30],
    ["500M", 5e8],
    ["1e3", 1000],
    ["12E", 12e18],
    [".5", 0.5],
  ])("%s is %d base units", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it("rounds up to milli and whole units as Quantity does", () => {
    expect(milliValue("1")).toBe(1000);
    expect(milliValue("250m")).toBe(250);
    expect(milliValue("0.0001")).toBe(1);
    expect(wholeValue("1.2")).toBe(2);
    expect(wholeValue("64Mi")).toBe(64 * 2 ** 20);
  });

  it.each(["1.2.3", "abc", "1Q", ""])("refuses %j with a BadRequest", (text) => {
    expect(() => parseQuantity(text)).toThrow(/quantities must match/);
  });
});

describe("pod requests", () => {
  it("sums app containers and adds overhead", () => {
    const pod = makePod("p", { containers: [{ name: "a", resources: { requests: { cpu: "100m" } } }, { name: "b", resources: { requests: { cpu: "200m", memory: "1Gi" } } }], spec: { overhead: { cpu: "50m" } } });
    expect(podRequests(pod)).toEqual({ cpu: 350, memory: 2 ** 30 });
  });

  it("takes the larger of the init peak and the running sum", () => {
    const pod = makePod("p", { containers: [{ name: "a", resources: { requests: { cpu: "100m" } } }], spec: { initContainers: [{ name: "i", resources: { requests: { cpu: "500m" } } }] } });
    expect(podRequests(pod).cpu).toBe(500);
  });

  it("counts sidecars for the whole life and beside later init containers", () => {
    const pod = makePod("p", {
      containers: [{ name: "a", resources: { requests: { cpu: "100m" } } }],
      spec: { initContainers: [{ name: "side", restartPolicy: "Always", resources: { requests: { cpu: "200m" } } }, { name: "init", resources: { requests: { cpu: "400m" } } }] },
    });
    // init runs beside the sidecar: 600m; afterwards app + sidecar: 300m.
    expect(podRequests(pod).cpu).toBe(600);
  });

  it("uses the scoring defaults for containers that ask nothing", () => {
    expect(podRequests(makePod("p"), true)).toEqual({ cpu: 100, memory: 200 * 2 ** 20 });
    expect(podRequests(makePod("p"))).toEqual({});
  });
});
