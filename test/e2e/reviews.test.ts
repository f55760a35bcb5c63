import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";

/** The review kinds over HTTP with the built-in chains (x509, anonymous, AlwaysAllow). */
describe("access and token reviews", () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-reviews-"));
  beforeAll(async () => {
    c = await startCluster(dir, ["--profile", "control-plane"]);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = async (path: string, body: unknown) => {
    const r = await c.api("POST", path, JSON.stringify(body));
    return { status: r.status, body: JSON.parse(r.body) };
  };

  it("answers 201 with the status and stores nothing", async () => {
    const sar = await post("/apis/authorization.k8s.io/v1/subjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: "jane", groups: ["dev"], resourceAttributes: { verb: "list", resource: "pods", namespace: "default" } } });
    expect(sar.status).toBe(201);
    expect(sar.body).toMatchObject({ kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", status: { allowed: true } });
    const list = await c.api("GET", "/apis/authorization.k8s.io/v1/subjectaccessreviews");
    expect(list.status).toBe(405);
  });

  it("refuses a LocalSubjectAccessReview about another namespace than its URL's", async () => {
    const local = await post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", { spec: { user: "jane", resourceAttributes: { verb: "list", resource: "pods", namespace: "other" } } });
    expect(local.status).toBe(422);
    expect(local.body.message).toContain('spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace');
  });

  it("runs a TokenReview through the authenticators, where no plugin knows the token", async () => {
    const tr = await post("/apis/authentication.k8s.io/v1/tokenreviews", { spec: { token: "not-a-known-token" } });
    expect(tr.status).toBe(201);
    // As upstream: not authenticated, with the chain's reason.
    expect(tr.body.status).toEqual({ authenticated: false, user: {}, error: "anonymous: invalid bearer token" });
  });
});
