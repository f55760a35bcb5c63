import { describe, expect, it } from "vitest";
import { computePodStatus, qosClass } from "../../core/kubelet/pod-status.js";
import type { Pod } from "../../core/kubelet/api-types.js";
import type { RuntimeContainer } from "../../core/kubelet/runtime-state.js";

const NS = 1e6;

function makePod(restartPolicy: "Always" | "OnFailure" | "Never", names = ["a"]): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "d", uid: "u" }, spec: { restartPolicy, containers: names.map((name) => ({ name, image: "busybox" })) } };
}

function container(name: string, state: RuntimeContainer["state"], exit = 0, created = 1): RuntimeContainer {
  return {
    id: `${name}-${created}`,
    sandboxId: "s",
    metadata: { name, attempt: created - 1 },
    state,
    created_at: created * 1000 * NS,
    started_at: created * 1000 * NS,
    finished_at: state === "CONTAINER_EXITED" ? (created * 1000 + 500) * NS : 0,
    exit_code: exit,
    image: { image: "docker.io/library/busybox:latest" },
    image_ref: "sha256:abc",
    reason: state === "CONTAINER_EXITED" ? (exit ? "Error" : "Completed") : "",
    message: "",
    labels: { "io.kubernetes.container.name": name },
    annotations: { "io.kubernetes.container.restartCount": String(created - 1) },
    log_path: "",
  };
}

function status(pod: Pod, containers: RuntimeContainer[], waiting = new Map<string, { reason: string; message?: string }>()) {
  const sandbox = { id: "s", metadata: { name: "p", uid: "u", namespace: "d", attempt: 0 }, state: "SANDBOX_READY" as const, created_at: 0, labels: {}, annotations: {}, network: { ip: "10.1.0.2", additional_ips: [] } };
  return computePodStatus({
    pod,
    state: { sandboxes: [sandbox], containers },
    sandbox,
    hostIP: "192.0.2.1",
    runtimeName: "containerd",
    waiting,
    ready: () => true,
    started: () => true,
    now: 0,
  });
}

describe("pod status", () => {
  it.each([
    ["Always", "running", [container("a", "CONTAINER_RUNNING")], "Running"],
    ["Never", "exited 0", [container("a", "CONTAINER_EXITED", 0)], "Succeeded"],
    ["Never", "exited 1", [container("a", "CONTAINER_EXITED", 1)], "Failed"],
    ["OnFailure", "exited 1", [container("a", "CONTAINER_EXITED", 1)], "Running"],
    ["OnFailure", "exited 0", [container("a", "CONTAINER_EXITED", 0)], "Succeeded"],
    ["Always", "exited 0", [container("a", "CONTAINER_EXITED", 0)], "Running"],
    ["Always", "no container yet", [], "Pending"],
  ] as const)("restartPolicy %s, container %s: %s", (policy, _what, containers, phase) => {
    expect(status(makePod(policy), [...containers]).phase).toBe(phase);
  });

  it("shows a backed-off container as waiting with its last exit in lastState and the earlier one's restart count", () => {
    const s = status(makePod("Always"), [container("a", "CONTAINER_EXITED", 1, 2), container("a", "CONTAINER_EXITED", 1, 1)], new Map([["a", { reason: "CrashLoopBackOff", message: "back-off 10s" }]]));
    const cs = s.containerStatuses![0]!;
    expect(cs.state).toEqual({ waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } });
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error", containerID: "containerd://a-2" });
    expect(cs.restartCount).toBe(1);
    expect(s.phase).toBe("Running");
    expect(s.conditions!.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [a]" });
  });

  it("reports the sandbox IP and the host IP", () => {
    const s = status(makePod("Always"), [container("a", "CONTAINER_RUNNING")]);
    expect(s).toMatchObject({ podIP: "10.1.0.2", podIPs: [{ ip: "10.1.0.2" }], hostIP: "192.0.2.1", qosClass: "BestEffort" });
  });

  it("classifies QoS as upstream", () => {
    const p = makePod("Always");
    p.spec.containers[0]!.resources = { limits: { cpu: "1", memory: "1Gi" } };
    expect(qosClass(p)).toBe("Guaranteed");
    p.spec.containers[0]!.resources = { requests: { cpu: "100m" } };
    expect(qosClass(p)).toBe("Burstable");
  });
});
