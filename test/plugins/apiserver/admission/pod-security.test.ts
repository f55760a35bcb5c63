import { describe, expect, it } from "vitest";
import { describe as describeViolations, violations } from "../../../../plugins/apiserver/admission/pod-security/checks.js";
import { PodSecurity } from "../../../../plugins/apiserver/admission/pod-security/pod-security.js";
import { StatusError } from "../../../../core/api/status.js";
import { admissionRequest, handleWith } from "./fake-request.js";

const restrictedOk = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [{ name: "app", image: "x", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
};
const c = (securityContext: object, extra: object = {}) => ({ containers: [{ name: "app", image: "x", securityContext, ...extra }] });

describe("Pod Security Standards controls", () => {
  it.each([
    ["hostNetwork and hostPID", { hostNetwork: true, hostPID: true, containers: [{ name: "app" }] }, "host namespaces (hostNetwork=true, hostPID=true)"],
    ["privileged", c({ privileged: true }), 'privileged (container "app" must not set securityContext.privileged=true)'],
    ["an added capability outside the default set", c({ capabilities: { add: ["NET_ADMIN", "CHOWN"] } }), 'non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)'],
    ["hostPath volumes", { containers: [{ name: "app" }], volumes: [{ name: "a", hostPath: { path: "/" } }, { name: "b", hostPath: { path: "/x" } }] }, 'hostPath volumes (volumes "a", "b")'],
    ["a host port", c({}, { ports: [{ containerPort: 80, hostPort: 8080 }] }), 'hostPort (container "app" uses hostPort 8080)'],
    ["an Unmasked procMount", c({ procMount: "Unmasked" }), 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'],
    ["an unconfined seccomp profile", { securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [{ name: "app" }] }, 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
    ["an unsafe sysctl", { securityContext: { sysctls: [{ name: "kernel.msgmax", value: "1" }] }, containers: [{ name: "app" }] }, "forbidden sysctls (kernel.msgmax)"],
    ["a custom SELinux type", c({ seLinuxOptions: { type: "spc_t" } }), 'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t")'],
    ["hostProcess", { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: "app" }] }, "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)"],
  ])("baseline refuses %s", (_what, spec, expected) => {
    expect(describeViolations(violations("baseline", {}, spec))).toBe(expected);
    expect(violations("privileged", {}, spec)).toEqual([]);
  });

  it("baseline allows the defaults and the safe capabilities; restricted allows its own example", () => {
    expect(violations("baseline", {}, c({ capabilities: { add: ["CHOWN", "NET_BIND_SERVICE"] } }))).toEqual([]);
    expect(violations("restricted", {}, restrictedOk)).toEqual([]);
  });

  it("restricted names every missing setting of a bare pod, in upstream's order", () => {
    expect(describeViolations(violations("restricted", {}, { containers: [{ name: "a" }, { name: "b" }], volumes: [{ name: "n", nfs: {} }] }))).toBe(
      'restricted volume types (volume "n" uses restricted volume type "nfs"), ' +
        'allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false), ' +
        'runAsNonRoot != true (pod or containers "a", "b" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"), ' +
        'unrestricted capabilities (containers "a", "b" must set securityContext.capabilities.drop=["ALL"])',
    );
  });

  it("restricted refuses runAsUser 0 and capabilities beyond NET_BIND_SERVICE", () => {
    const spec = structuredClone(restrictedOk) as any;
    spec.securityContext.runAsUser = 0;
    spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE", "SYS_TIME"];
    expect(describeViolations(violations("restricted", {}, spec))).toBe(
      'non-default capabilities (container "app" must not include "SYS_TIME" in securityContext.capabilities.add), runAsUser=0 (pod must not set runAsUser=0), unrestricted capabilities (container "app" must not include "SYS_TIME" in securityContext.capabilities.add)',
    );
  });
});

describe("PodSecurity admission", () => {
  const plugin = (labels: Record<string, string>) =>
    new PodSecurity({ defaults: {}, exemptions: { usernames: ["exempt"] } } as any, handleWith({ "namespaces//ns": { metadata: { name: "ns", labels } } }));
  const pod = (spec: object) => ({ metadata: { name: "p", namespace: "ns" }, spec });

  it("enforce refuses with 403 naming the level and the controls", async () => {
    const req = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object: pod(c({ privileged: true })) });
    const err = await plugin({ "pod-security.kubernetes.io/enforce": "baseline" }).validate(req).catch((e) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(err.status.code).toBe(403);
    expect(err.status.message).toBe('pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)');
  });

  it("warn and audit add a warning and an annotation, with the label's version, and admit", async () => {
    const req = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object: pod({ hostIPC: true, containers: [{ name: "app" }] }) });
    await plugin({ "pod-security.kubernetes.io/warn": "baseline", "pod-security.kubernetes.io/warn-version": "v1.30", "pod-security.kubernetes.io/audit": "baseline" }).validate(req);
    expect(req.warnings).toEqual(['would violate PodSecurity "baseline:v1.30": host namespaces (hostIPC=true)']);
    expect(req.annotations).toEqual({
      "pod-security.kubernetes.io/enforce-policy": "privileged:latest",
      "pod-security.kubernetes.io/audit-violations": 'would violate PodSecurity "baseline:latest": host namespaces (hostIPC=true)',
    });
  });

  it("a deployment breaking the enforce level is warned about, not refused", async () => {
    const req = admissionRequest({ operation: "CREATE", group: "apps", resource: "deployments", namespace: "ns", name: "d", object: { metadata: { name: "d" }, spec: { template: { spec: c({ privileged: true }) } } } });
    await plugin({ "pod-security.kubernetes.io/enforce": "baseline" }).validate(req);
    expect(req.warnings).toEqual(['would violate PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)']);
  });

  it("an unknown level fails closed as restricted; exempt users and metadata-only updates pass", async () => {
    const bare = pod({ containers: [{ name: "app" }] });
    const unknown = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object: bare });
    await expect(plugin({ "pod-security.kubernetes.io/enforce": "strict" }).validate(unknown)).rejects.toThrow('violates PodSecurity "restricted:latest"');
    const exempt = admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", object: bare, user: { name: "exempt", groups: [] } });
    await plugin({ "pod-security.kubernetes.io/enforce": "restricted" }).validate(exempt);
    const relabel = admissionRequest({ operation: "UPDATE", resource: "pods", namespace: "ns", name: "p", object: { ...bare, metadata: { ...bare.metadata, labels: { a: "b" } } }, oldObject: bare });
    await plugin({ "pod-security.kubernetes.io/enforce": "restricted" }).validate(relabel);
  });
});
