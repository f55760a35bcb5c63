import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { csrStrategy } from "../../../core/apiserver/kinds/certificates.js";
import type { KubeObj } from "../../../core/apiserver/registry/strategy.js";
import { projectRoot } from "../../support/cli.js";

const request = readFileSync(join(projectRoot, "test", "fixtures", "pki", "jane.csr")).toString("base64");
const csr = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObj => ({ metadata: { name: "c" }, spec: { request, signerName: "kubernetes.io/kube-apiserver-client", usages: ["client auth"], ...spec }, status });
const ctx = (subresource?: string) => ({ user: { name: "alice", groups: ["dev", "system:authenticated"] }, dryRun: false, ...(subresource ? { subresource } : {}) });
const fields = (causes: { field: string }[]) => causes.map((c) => c.field);

describe("CertificateSigningRequest rules", () => {
  it("records who asked, whatever the body says, and starts undecided", () => {
    const c = csr({ username: "mallory", groups: ["system:masters"] }, { conditions: [{ type: "Approved", status: "True" }] });
    csrStrategy.prepareForCreate!(c, ctx());
    expect(c.spec).toMatchObject({ username: "alice", groups: ["dev", "system:authenticated"] });
    expect(c.status).toEqual({});
  });

  it.each([
    ["a request that is not a certificate request", { request: Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").toString("base64") }, ["spec.request"]],
    ["a signer name without a domain", { signerName: "my-signer" }, ["spec.signerName"]],
    ["no usages", { usages: [] }, ["spec.usages"]],
    ["a lifetime under ten minutes", { expirationSeconds: 60 }, ["spec.expirationSeconds"]],
  ])("refuses %s", (_, spec, want) => {
    expect(fields(csrStrategy.validate!(csr(spec), ctx()) as { field: string }[])).toEqual(want);
  });

  it("lets /approval decide, /status issue, and neither undo a decision", () => {
    const old = csr({}, { conditions: [{ type: "Approved", status: "True" }] });
    const viaMain = csr({}, { conditions: [], certificate: "Zm9v" });
    csrStrategy.prepareForUpdate!(viaMain, old, ctx());
    expect(viaMain.status).toEqual(old.status);
    const viaStatus = csr({}, { conditions: [{ type: "Failed", status: "True" }], certificate: "Zm9v" });
    csrStrategy.prepareForUpdate!(viaStatus, old, ctx("status"));
    expect(viaStatus.status).toEqual({ conditions: [{ type: "Approved", status: "True" }, { type: "Failed", status: "True" }], certificate: "Zm9v" });
    const undo = csr({}, { conditions: [{ type: "Denied", status: "True" }] });
    csrStrategy.prepareForUpdate!(undo, old, ctx("approval"));
    expect(fields(csrStrategy.validateUpdate!(undo, old, ctx("approval")) as { field: string }[])).toEqual(["status.conditions"]);
  });
});
