import { spawn } from "node:child_process";
import { request } from "node:https";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCertificateAuthority, kubeconfigText, loadCertificateAuthority, openClusterCa } from "../../../core/pki/index.js";
import { clusterPerFile, kubectlMissing } from "../kubectl/cluster-per-file.js";

/** The hardened profile: client certificates and RBAC, no anonymous requests. */
const HARDENED = "apiVersion: kitbash.io/v1alpha1\nkind: Profile\nmetadata: {name: hardened-test}\nextends: hardened\n";

describe.skipIf(kubectlMissing)("RBAC with the real kubectl (hardened profile)", () => {
  const k = clusterPerFile({ profile: HARDENED });

  /** A kubeconfig for a user with a certificate from the cluster CA (or another CA). */
  async function userKubeconfig(name: string, groups: string[] = [], otherCa = false): Promise<string> {
    const pki = join(k.cluster.dataDir, "pki");
    const ca = otherCa ? await loadCertificateAuthority(await createCertificateAuthority("another-ca", 1)) : undefined;
    const { cert, key } = ca
      ? await ca.issue({ commonName: name, organizations: groups, days: 1, clientAuth: true })
      : await (await openClusterCa(pki)).issueClientCert({ commonName: name, organizations: groups });
    const file = k.scratch(`${name}${otherCa ? "-other" : ""}.kubeconfig`);
    writeFileSync(file, kubeconfigText({ server: k.cluster.url, caCert: readFileSync(join(pki, "ca.crt"), "utf8"), clientCert: cert, clientKey: key, userName: name }));
    return file;
  }

  // stdin closed: without credentials kubectl would otherwise wait for a typed password.
  const as = (kubeconfig: string, args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const p = spawn("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", k.scratch(`cache-${kubeconfig.split("/").pop()}`), ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      p.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });

  const canI = async (kubeconfig: string, ...args: string[]) => (await as(kubeconfig, ["auth", "can-i", ...args])).stdout.trim();

  it("a request with no credentials is 401 with no detail, and kubectl is asked to log in", async () => {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(new URL("/api/v1/namespaces/default/pods", k.cluster.url), { ca: readFileSync(join(k.cluster.dataDir, "pki", "ca.crt")) }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status.code).toBe(401);
    expect(JSON.parse(status.body)).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized", message: "Unauthorized" });
    // A token no authenticator of this profile accepts is no credential either.
    const tokenOnly = k.scratch("token.kubeconfig");
    const ca = readFileSync(join(k.cluster.dataDir, "pki", "ca.crt")).toString("base64");
    writeFileSync(tokenOnly, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${k.cluster.url}", certificate-authority-data: ${ca}}}]\nusers: [{name: u, user: {token: not-a-token}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const r = await as(tokenOnly, ["get", "pods"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("error: You must be logged in to the server (the server has asked for the client to provide credentials)");
  });

  it("a certificate from another CA is 401", async () => {
    const r = await as(await userKubeconfig("mallory", ["system:masters"], true), ["get", "pods"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("error: You must be logged in to the server (the server has asked for the client to provide credentials)");
  });

  it("a user bound to view lists pods but may not create them, with upstream's message", async () => {
    await k.ok(["run", "web", "--image=nginx"]);
    await k.ok(["create", "clusterrolebinding", "jane-view", "--clusterrole=view", "--user=jane"]);
    const jane = await userKubeconfig("jane", ["dev"]);
    const deadline = Date.now() + 10_000;
    while ((await canI(jane, "list", "pods")) !== "yes" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const list = await as(jane, ["get", "pods", "-o", "name"]);
    expect(list.stderr).toBe("");
    expect(list.stdout).toBe("pod/web\n");
    const create = await as(jane, ["run", "other", "--image=nginx"]);
    expect(create.code).not.toBe(0);
    expect(create.stderr).toBe('Error from server (Forbidden): pods is forbidden: User "jane" cannot create resource "pods" in API group "" in the namespace "default"\n');
    expect(await canI(jane, "delete", "pods")).toBe("no");
    expect(await canI(jane, "get", "secrets")).toBe("no");
  });

  it("`auth whoami` and `auth can-i --list` answer for that user", async () => {
    const jane = await userKubeconfig("jane", ["dev"]);
    const whoami = await as(jane, ["auth", "whoami", "-o", "json"]);
    expect(JSON.parse(whoami.stdout).status.userInfo).toEqual({ username: "jane", groups: ["dev", "system:authenticated"] });
    const list = await as(jane, ["auth", "can-i", "--list"]);
    expect(list.stderr).toBe("");
    const rows = list.stdout.split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toContainEqual(["pods", "[]", "[]", "[get list watch]"]);
    expect(rows).toContainEqual(["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"]);
    expect(rows).toContainEqual(["[/api/*]", "[]", "[get]"]);
    expect(rows.some((r) => r[0] === "secrets")).toBe(false);
  });

  it("a namespace admin may not bind cluster-admin: the escalation check answers 403", async () => {
    await k.ok(["create", "namespace", "team"]);
    await k.ok(["create", "rolebinding", "joe-admin", "--clusterrole=admin", "--user=joe", "-n", "team"]);
    const joe = await userKubeconfig("joe");
    const deadline = Date.now() + 10_000;
    while ((await canI(joe, "create", "rolebindings", "-n", "team")) !== "yes" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const ok = await as(joe, ["create", "rolebinding", "amy-view", "--clusterrole=view", "--user=amy", "-n", "team"]);
    expect(ok.stderr).toBe("");
    const r = await as(joe, ["create", "rolebinding", "joe-root", "--clusterrole=cluster-admin", "--user=joe", "-n", "team"]);
    expect(r.stderr).toBe(
      'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "joe-root" is forbidden: user "joe" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n' +
        '{NonResourceURLs:["*"], Verbs:["*"]}\n',
    );
    const role = await as(joe, ["create", "role", "nodes", "--verb=get", "--resource=nodes", "-n", "team"]);
    expect(role.stderr).toContain('is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}');
    expect((await k.cluster.kubectl(["get", "rolebinding", "joe-root", "-n", "team"])).code).not.toBe(0);
  });
});
