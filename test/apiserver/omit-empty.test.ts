import { describe, expect, it } from "vitest";
import { dropOmittedEmpty } from "../../core/apiserver/registry/omit-empty.js";

describe("bodies read as upstream's Go round trip writes them", () => {
  it("leaves out empty omitempty fields and null pointers, keeping a pointer's zero and every struct", () => {
    const d: Record<string, any> = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: {}, annotations: { a: "" }, generation: 0, finalizers: [] },
      spec: {
        replicas: 0,
        paused: false,
        minReadySeconds: 0,
        revisionHistoryLimit: null,
        selector: { matchLabels: { app: "web" } },
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: "web" } },
          spec: {
            containers: [{ name: "nginx", image: "nginx", stdin: false, args: [], env: [{ name: "A", value: "" }], resources: {}, ports: [{ containerPort: 80, hostPort: 0, protocol: "TCP" }] }],
            hostNetwork: false,
            nodeSelector: {},
            tolerations: [],
            affinity: null,
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {},
    };
    dropOmittedEmpty(d, "io.k8s.api.apps.v1.Deployment");
    expect(d).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", annotations: { a: "" } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: "web" } },
          spec: {
            containers: [{ name: "nginx", image: "nginx", env: [{ name: "A" }], resources: {}, ports: [{ containerPort: 80, protocol: "TCP" }] }],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {},
    });
  });

  it("keeps what Go always writes (a review's allowed) and drops its empty omitempty fields", () => {
    const sar: Record<string, any> = { spec: { user: "u", groups: [] }, status: { allowed: false, denied: false } };
    dropOmittedEmpty(sar, "io.k8s.api.authorization.v1.SubjectAccessReview");
    expect(sar).toEqual({ spec: { user: "u" }, status: { allowed: false } });
  });
});
