import { describe, expect, it } from "vitest";
import { conflict, fieldInvalid, fieldRequired, forbidden, invalid, notFound } from "../../core/api/status.js";
import { generateNameSuffix, validateObjectName } from "../../core/api/names.js";

describe("Status errors", () => {
  it("use upstream's message shapes and details", () => {
    expect(notFound({ group: "apps", resource: "deployments" }, "web").status).toMatchObject({ code: 404, reason: "NotFound", message: 'deployments.apps "web" not found', details: { name: "web", group: "apps", kind: "deployments" } });
    expect(conflict({ group: "", resource: "configmaps" }, "c").status.message).toBe('Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
    const inv = invalid({ group: "apps", kind: "Deployment" }, "web", [fieldInvalid("spec.replicas", -1, "must be greater than or equal to 0")]);
    expect(inv.status.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(inv.status.details?.kind).toBe("Deployment");
    expect(invalid({ group: "", kind: "Pod" }, "p", [fieldRequired("a"), fieldRequired("b")]).status.message).toBe('Pod "p" is invalid: [a: Required value, b: Required value]');
    expect(forbidden({ user: { name: "u" }, verb: "list", resourceRequest: true, path: "", apiGroup: "", resource: "pods", namespace: "ns" }).status.message).toBe(
      'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"',
    );
    expect(forbidden({ user: { name: "u" }, verb: "get", resourceRequest: true, path: "", apiGroup: "", resource: "nodes", name: "n1" }, "no").status.message).toBe(
      'nodes "n1" is forbidden: User "u" cannot get resource "nodes" in API group "" at the cluster scope: no',
    );
  });
});

describe("names", () => {
  it("follows the subdomain, label and path-segment rules", () => {
    expect(validateObjectName("web.example-1", "subdomain", "metadata.name")).toEqual([]);
    expect(validateObjectName("Web", "subdomain", "metadata.name")[0]?.message).toContain("a lowercase RFC 1123 subdomain");
    expect(validateObjectName("a.b", "label", "metadata.name")[0]?.message).toContain("a lowercase RFC 1123 label");
    expect(validateObjectName("x".repeat(64), "label", "metadata.name")).toHaveLength(1);
    expect(validateObjectName("system:admin", "path", "metadata.name")).toEqual([]);
    expect(validateObjectName("a/b", "path", "metadata.name")[0]?.message).toContain("may not contain '/'");
  });
  it("generates five characters from upstream's alphabet", () => {
    for (let i = 0; i < 50; i++) expect(generateNameSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
