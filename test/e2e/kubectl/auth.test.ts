import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { until } from "../../support/until.js";
import { projectRoot } from "../../support/cli.js";
import { clusterPerFile, kubectlMissing, table } from "./cluster-per-file.js";

describe.skipIf(kubectlMissing)("kubectl auth", () => {
  const k = clusterPerFile();

  it("`kubectl auth whoami` names the admin certificate's user and groups, and stores nothing", async () => {
    const rows = table(await k.ok(["auth", "whoami"]));
    expect(rows).toEqual([
      ["ATTRIBUTE", "VALUE"],
      ["Username", "kubernetes-admin"],
      ["Groups", "[system:masters system:authenticated]"],
    ]);
    const review = JSON.parse(await k.ok(["auth", "whoami", "-o", "json"]));
    expect(review).toMatchObject({ kind: "SelfSubjectReview", apiVersion: "authentication.k8s.io/v1", status: { userInfo: { username: "kubernetes-admin" } } });
    expect(await k.fails(["get", "selfsubjectreviews"])).toContain("(MethodNotAllowed)");
  });

  it("`kubectl auth can-i` answers yes or no from the authorization chain", async () => {
    expect(await k.ok(["auth", "can-i", "create", "deployments"])).toBe("yes\n");
    expect(await k.ok(["auth", "can-i", "delete", "nodes", "--all-namespaces"])).toBe("yes\n");
    expect(await k.ok(["auth", "can-i", "get", "/healthz"])).toBe("yes\n");
    const list = table(await k.ok(["auth", "can-i", "--list"]));
    expect(list[0]).toEqual(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]);
    expect(list).toContainEqual(["*.*", "[]", "[]", "[*]"]);
  });

  it("`kubectl auth whoami --as` answers as the impersonated user and groups", async () => {
    const rows = table(await k.ok(["auth", "whoami", "--as=jane", "--as-group=dev", "--as-group=qa"]));
    expect(rows).toEqual([
      ["ATTRIBUTE", "VALUE"],
      ["Username", "jane"],
      ["Groups", "[dev qa]"],
    ]);
    const sa = JSON.parse(await k.ok(["auth", "whoami", "--as=system:serviceaccount:web:robot", "-o", "json"]));
    expect(sa.status.userInfo).toEqual({ username: "system:serviceaccount:web:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:web", "system:authenticated"] });
    expect(await k.ok(["auth", "can-i", "list", "pods", "--as=jane"])).toBe("yes\n");
  });

  it("`kubectl certificate approve` writes the Approved condition through the approval subresource; the requester is whoever created the request", async () => {
    // A certificate request for CN=jane (its key is not needed to approve it).
    const request = readFileSync(join(projectRoot, "test", "fixtures", "pki", "jane.csr")).toString("base64");
    const csr = (n: string) => `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: ${n}}\nspec: {request: ${request}, signerName: kubernetes.io/kube-apiserver-client, expirationSeconds: 86400, usages: [client auth], username: someone-else}\n`;
    await k.ok(["apply", "-f", k.manifest("csr.yaml", `${csr("jane")}---\n${csr("joe")}`)]);
    let rows = table(await k.ok(["get", "csr"]));
    expect(rows[0]).toEqual(["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]);
    expect(rows[1]!.filter((_, i) => i !== 1)).toEqual(["jane", "kubernetes.io/kube-apiserver-client", "kubernetes-admin", "24h", "Pending"]);
    expect(await k.ok(["certificate", "approve", "jane"])).toBe("certificatesigningrequest.certificates.k8s.io/jane approved\n");
    expect(await k.ok(["certificate", "deny", "joe"])).toBe("certificatesigningrequest.certificates.k8s.io/joe denied\n");
    // The csrsigning controller then issues the approved one's certificate.
    await until("jane's certificate", async () => (await k.ok(["get", "csr", "jane", "-o", "jsonpath={.status.certificate}"])).length > 0);
    rows = table(await k.ok(["get", "csr"]));
    expect(rows.slice(1).map((r) => `${r[0]} ${r.at(-1)}`)).toEqual(["jane Approved,Issued", "joe Denied"]);
    const conditions = JSON.parse(await k.ok(["get", "csr", "jane", "-o", "jsonpath={.status.conditions}"]));
    expect(conditions).toMatchObject([{ type: "Approved", status: "True", reason: "KubectlApprove" }]);
    // The main resource cannot take a decision back.
    const cleared = await k.cluster.api("PATCH", "/apis/certificates.k8s.io/v1/certificatesigningrequests/jane", JSON.stringify({ status: { conditions: [] } }), { "Content-Type": "application/merge-patch+json" });
    expect(cleared.status).toBe(200);
    expect(JSON.parse(cleared.body).status.conditions).toHaveLength(1);
  });
});
