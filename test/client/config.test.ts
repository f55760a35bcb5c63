import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadKubeconfig } from "../../core/client/config.js";
import { statusErrorFromResponse, isNotFound, isConflict, isAlreadyExists } from "../../core/client/errors.js";
import { tempTree } from "../support/temp.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("loadKubeconfig", () => {
  it("takes the current context's server, inline CA and client pair, and file paths relative to the kubeconfig", async () => {
    const dir = tempTree({
      "certs/client.crt": "CERT",
      "kc.yaml": [
        "apiVersion: v1",
        "kind: Config",
        "current-context: two",
        "clusters:",
        "- name: c1",
        `  cluster: { server: "https://one:6443", certificate-authority-data: ${b64("CA")} }`,
        "users:",
        "- name: u1",
        `  user: { client-certificate: certs/client.crt, client-key-data: ${b64("KEY")} }`,
        "contexts:",
        "- name: one",
        "  context: { cluster: nope, user: u1 }",
        "- name: two",
        "  context: { cluster: c1, user: u1, namespace: team }",
      ].join("\n"),
    });
    expect(await loadKubeconfig(join(dir, "kc.yaml"))).toEqual({ server: "https://one:6443", ca: "CA", cert: "CERT", key: "KEY", namespace: "team" });
    await expect(loadKubeconfig(join(dir, "kc.yaml"), { context: "one" })).rejects.toThrow(/cluster "nope" \(of context one\) not found/);
    await expect(loadKubeconfig(join(dir, "kc.yaml"), { context: "three" })).rejects.toThrow(/context "three" not found/);
    await expect(loadKubeconfig(join(dir, "missing.yaml"))).rejects.toThrow(/cannot read kubeconfig .*missing.yaml: no such file/);
  });
});

describe("status errors", () => {
  it("keep the server's Status, and describe a body that is not one from the HTTP code", () => {
    const e = statusErrorFromResponse(404, JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: 404, reason: "NotFound", message: 'pods "x" not found' }), "GET", "/api/v1/namespaces/d/pods/x");
    expect([e.code, e.reason, e.message]).toEqual([404, "NotFound", 'pods "x" not found']);
    expect(isNotFound(e)).toBe(true);
    const html = statusErrorFromResponse(409, "<html>busy</html>", "PUT", "/x");
    expect([html.code, html.reason]).toEqual([409, "Conflict"]);
    expect(isConflict(html)).toBe(true);
    expect(isAlreadyExists(html)).toBe(false);
    expect(html.message).toContain("PUT /x: HTTP 409");
  });
});
