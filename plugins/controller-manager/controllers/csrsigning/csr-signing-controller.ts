import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import { parseDuration, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { loadCertificateAuthority, parseCertificateRequest, type CertificateAuthority } from "../../../../core/pki/index.js";
import type { CsrSigningControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/csrsigning.args.js";
import { SIGNERS } from "./signer-rules.js";

export type CsrSigningArgs = Required<CsrSigningControllerArgs>;

interface Csr extends KubeObject {
  spec: { request: string; signerName: string; usages?: string[]; expirationSeconds?: number };
  status?: { conditions?: { type: string; status: string }[]; certificate?: string };
}

/** Upstream's floor on spec.expirationSeconds. */
const MIN_DURATION_MS = 600_000;

/**
 * Upstream's csrsigning controller: an approved CSR for one of the kubernetes.io signers gets
 * its certificate from the cluster CA, valid for the shorter of the signing duration and what
 * it asked; one that breaks its signer's rules gets a Failed condition instead.
 */
export class CsrSigningController implements Controller {
  readonly aliases = ["certificatesigningrequest-signing-controller"];

  constructor(
    private readonly args: CsrSigningArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const ca = await this.loadCa();
    const maxMs = parseDuration(this.args.clusterSigningDuration);
    const queue = this.handle.newQueue<string>("certificate");
    const csrs = informers.informerFor<Csr>(Resources.certificateSigningRequests);
    csrs.addEventHandler({ onAdd: (c) => queue.add(c.metadata.name!), onUpdate: (_o, c) => queue.add(c.metadata.name!) });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const csr = csrs.store.getBy(undefined, name);
      if (!csr || csr.status?.certificate) return;
      const conditions = csr.status?.conditions ?? [];
      const is = (type: string) => conditions.some((c) => c.type === type && c.status === "True");
      if (!is("Approved") || is("Denied") || is("Failed")) return;
      const rule = SIGNERS[csr.spec.signerName];
      if (!rule) return; // another signer's request
      const usages = csr.spec.usages ?? [];
      let problem: string | undefined;
      let certificate: string | undefined;
      try {
        const parsed = await parseCertificateRequest(Buffer.from(csr.spec.request, "base64").toString("utf8"));
        problem = rule(parsed, usages);
        if (!problem) {
          const asked = csr.spec.expirationSeconds ? Math.max(csr.spec.expirationSeconds * 1000, MIN_DURATION_MS) : maxMs;
          certificate = await ca.sign(parsed, usages, Math.min(asked, maxMs));
        }
      } catch (err) {
        problem = (err as Error).message;
      }
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const status = certificate
        ? { ...csr.status, certificate: Buffer.from(certificate).toString("base64") }
        : { ...csr.status, conditions: [...conditions, { type: "Failed", status: "True", reason: "SignerValidationFailure", message: problem, lastUpdateTime: now, lastTransitionTime: now }] };
      try {
        await client.resource<Csr>(Resources.certificateSigningRequests).updateStatus({ ...csr, status });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      logger.info({ csr: name, signer: csr.spec.signerName, signed: !!certificate, ...(problem ? { problem } : {}) }, certificate ? "signed certificate" : "refused to sign certificate");
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ csr: key, err: (err as Error).message }, "csr signing failed; retrying"),
    });
  }

  private async loadCa(): Promise<CertificateAuthority> {
    const file = (p: string) => readFileSync(resolve(this.handle.dataDir, p), "utf8");
    try {
      return await loadCertificateAuthority({ cert: file(this.args.clusterSigningCertFile), key: file(this.args.clusterSigningKeyFile) });
    } catch (err) {
      throw new Error(`cannot load the cluster signing CA (${this.args.clusterSigningCertFile}, ${this.args.clusterSigningKeyFile}): ${(err as Error).message}`);
    }
  }
}
