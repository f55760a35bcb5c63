import { describe, expect, it } from "vitest";
import type { ClusterObjects } from "../../../../core/apiserver/cluster-objects.js";
import { BootstrapTokenAuthenticator } from "../../../../plugins/apiserver/authentication/bootstrap-token/bootstrap-authenticator.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const NOW = Date.parse("2026-11-25T00:00:00Z");

function secret(data: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { metadata: { name: "bootstrap-token-abcdef", namespace: "kube-system" }, type: "bootstrap.kubernetes.io/token", data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...extra };
}
const good = { "token-id": "abcdef", "token-secret": "0123456789abcdef", "usage-bootstrap-authentication": "true", expiration: "2026-11-26T00:00:00Z", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token" };

function authenticator(stored: Record<string, any> | undefined) {
  const objects = { get: async (_r: unknown, ns: string | undefined, name: string) => (ns === "kube-system" && name === stored?.metadata.name ? stored : undefined) } as unknown as ClusterObjects;
  const a = new BootstrapTokenAuthenticator(objects, () => NOW);
  return (token: string) => a.authenticate({ headers: { authorization: `Bearer ${token}` }, path: "/api" });
}

describe("bootstrap-token authenticator", () => {
  it("a valid token is system:bootstrap:<id> in system:bootstrappers and its extra groups", async () => {
    expect(await authenticator(secret(good))("abcdef.0123456789abcdef")).toEqual({
      user: { name: "system:bootstrap:abcdef", groups: ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token"] },
    });
  });

  it.each([
    ["a wrong secret", secret(good), "abcdef.0123456789abcdeX"],
    ["another shape", secret(good), "abcdef-0123456789abcdef"],
    ["no such secret", undefined, "abcdef.0123456789abcdef"],
    ["an expired token", secret({ ...good, expiration: "2026-11-24T00:00:00Z" }), "abcdef.0123456789abcdef"],
    ["not for authentication", secret({ ...good, "usage-bootstrap-authentication": "false" }), "abcdef.0123456789abcdef"],
    ["another secret type", secret(good, { type: "Opaque" }), "abcdef.0123456789abcdef"],
    ["a secret being deleted", secret(good, { metadata: { name: "bootstrap-token-abcdef", namespace: "kube-system", deletionTimestamp: "2026-11-24T00:00:00Z" } }), "abcdef.0123456789abcdef"],
  ])("%s is not this plugin's", async (_name, stored, token) => {
    expect(await authenticator(stored)(token)).toBeUndefined();
  });

  it("extra groups outside system:bootstrappers: refuse the token", async () => {
    expect(await authenticator(secret({ ...good, "auth-extra-groups": "system:masters" }))("abcdef.0123456789abcdef")).toEqual({ error: "bootstrap token abcdef has invalid auth-extra-groups" });
  });
});
