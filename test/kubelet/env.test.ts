import { describe, expect, it } from "vitest";
import { expand, podField, resourceField } from "../../core/kubelet/env.js";
import type { Pod } from "../../core/kubelet/api-types.js";

const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "shop", uid: "u-1", labels: { app: "web", tier: "front" } },
  spec: { nodeName: "node-1", serviceAccountName: "sa", containers: [{ name: "c", resources: { limits: { cpu: "500m", memory: "64Mi" }, requests: { memory: "32Mi" } } }] },
  status: { podIP: "10.0.0.5", hostIP: "192.0.2.1" },
};

describe("env", () => {
  it.each([
    ["metadata.name", "web"],
    ["metadata.namespace", "shop"],
    ["metadata.uid", "u-1"],
    ["metadata.labels['app']", "web"],
    ["metadata.labels", 'app="web"\ntier="front"'],
    ["spec.nodeName", "node-1"],
    ["spec.serviceAccountName", "sa"],
    ["status.podIP", "10.0.0.5"],
    ["status.hostIP", "192.0.2.1"],
  ])("fieldRef %s is %s", (path, value) => {
    expect(podField(pod, path)).toBe(value);
  });

  it("rejects a fieldRef the downward API does not offer", () => {
    expect(() => podField(pod, "spec.containers")).toThrow(/unsupported fieldRef spec.containers/);
  });

  it("resourceFieldRef rounds up by the divisor and falls back to the node's allocatable for a missing limit", () => {
    const c = pod.spec.containers[0]!;
    expect(resourceField(c, "limits.cpu", undefined, {})).toBe("1");
    expect(resourceField(c, "limits.cpu", "1m", {})).toBe("500");
    expect(resourceField(c, "limits.memory", "1Mi", {})).toBe("64");
    expect(resourceField(c, "requests.memory", "1Mi", {})).toBe("32");
    expect(resourceField({ name: "x" }, "limits.memory", "1Mi", { memory: "1Gi" })).toBe("1024");
  });

  it("expands $(VAR) from known variables, keeps unknown ones and unescapes $$", () => {
    const vars = new Map([["A", "1"]]);
    expect(expand("$(A)-$(B)-$$(A)", vars)).toBe("1-$(B)-$(A)");
  });
});
