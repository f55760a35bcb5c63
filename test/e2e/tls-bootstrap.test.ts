import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient } from "../../core/client/index.js";
import { tlsBootstrap } from "../../core/connect/index.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { until } from "../support/until.js";

const ID = "k1tbsh";
const SECRET = "0123456789abcdef";

describe("joining a node: token discovery and kubelet TLS bootstrap", () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-join-"));
  let c: Cluster;
  beforeAll(async () => {
    // The token authenticates through a token file here; the Secret makes the bootstrapsigner sign cluster-info with it.
    writeFileSync(join(dir, "tokens.csv"), `${ID}.${SECRET},system:bootstrap:${ID},,"system:bootstrappers"\n`);
    c = await startCluster(join(dir, "cluster"), [
      "--set", "components.apiserver.plugins.authentication.enabled=[{name: x509}, {name: token-file}, {name: anonymous}]",
      "--set", `components.apiserver.pluginConfig=[{name: token-file, args: {tokenAuthFile: ${JSON.stringify(join(dir, "tokens.csv"))}}}]`,
    ]);
    const secret = { metadata: { name: `bootstrap-token-${ID}`, namespace: "kube-system" }, type: "bootstrap.kubernetes.io/token", stringData: { "token-id": ID, "token-secret": SECRET, "usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true" } };
    expect((await c.api("POST", "/api/v1/namespaces/kube-system/secrets", JSON.stringify(secret))).status).toBe(201);
    await until("cluster-info signed with the token", async () => JSON.parse((await c.api("GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info")).body).data[`jws-kubeconfig-${ID}`]);
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("trusts the CA only through the token's signature, gets a node certificate, and reuses it after", async () => {
    const nodeDir = join(dir, "node");
    const config = await tlsBootstrap({ server: c.url, token: `${ID}.${SECRET}`, nodeName: "n9", dataDir: nodeDir });
    const client = KubeClient.fromConfig(config);
    try {
      const who = await client.request<{ status: { userInfo: { username: string; groups: string[] } } }>("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
      expect(who.status.userInfo.username).toBe("system:node:n9");
      expect(who.status.userInfo.groups).toContain("system:nodes");
    } finally {
      client.close();
    }
    const csrs = () => c.api("GET", "/apis/certificates.k8s.io/v1/certificatesigningrequests").then((r) => JSON.parse(r.body).items.length as number);
    const before = await csrs();
    const again = await tlsBootstrap({ server: c.url, token: `${ID}.${SECRET}`, nodeName: "n9", dataDir: nodeDir });
    expect(again.cert).toBe(config.cert);
    expect(await csrs()).toBe(before);
  });

  it("refuses a token whose signature does not verify, and one the cluster does not know", async () => {
    await expect(tlsBootstrap({ server: c.url, token: `${ID}.ffffffffffffffff`, nodeName: "n8", dataDir: join(dir, "n8") })).rejects.toThrow(/does not verify with this token: refusing to trust the CA/);
    await expect(tlsBootstrap({ server: c.url, token: "zzzzzz.0123456789abcdef", nodeName: "n8", dataDir: join(dir, "n8") })).rejects.toThrow(/carries no signature for token id zzzzzz/);
    await expect(tlsBootstrap({ server: c.url, token: "nope", nodeName: "n8", dataDir: join(dir, "n8") })).rejects.toThrow(/not a bootstrap token/);
  });
});
