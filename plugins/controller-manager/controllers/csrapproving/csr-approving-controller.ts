import { Resources, isNotFound, runWorkers, type KubeObject } from "../../../../core/client/index.js";
import type { Controller, ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import { parseCertificateRequest } from "../../../../core/pki/index.js";
import type { CsrApprovingControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/csrapproving.args.js";

export type CsrApprovingArgs = Required<CsrApprovingControllerArgs>;

interface Csr extends KubeObject {
  spec: { request: string; signerName: string; usages?: string[]; username?: string; groups?: string[]; uid?: string; extra?: Record<string, string[]> };
  status?: { conditions?: { type: string; status: string }[]; certificate?: string };
}

const KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
const CLIENT_USAGES = new Set(["digital signature", "key encipherment", "client auth"]);

/**
 * Upstream's csrapproving controller (sarapprove): a kubelet client certificate request is
 * approved when a SubjectAccessReview says its requester may create
 * `certificatesigningrequests/selfnodeclient` (a node renewing its own) or `/nodeclient` (a
 * bootstrapping node). Anything else is left for a person or another approver.
 */
export class CsrApprovingController implements Controller {
  readonly aliases = ["certificatesigningrequest-approving-controller"];

  constructor(
    private readonly args: CsrApprovingArgs,
    private readonly handle: ControllerManagerHandle,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { informers, logger, client } = this.handle;
    const queue = this.handle.newQueue<string>("csrapproving");
    const csrs = informers.informerFor<Csr>(Resources.certificateSigningRequests);
    csrs.addEventHandler({ onAdd: (c) => queue.add(c.metadata.name!), onUpdate: (_o, c) => queue.add(c.metadata.name!) });
    signal.addEventListener("abort", () => void queue.shutDownWithDrain(), { once: true });
    if (!(await informers.waitForCacheSync(signal))) return;

    const sync = async (name: string) => {
      const csr = csrs.store.getBy(undefined, name);
      if (!csr || csr.spec.signerName !== KUBELET_CLIENT || csr.status?.certificate) return;
      if ((csr.status?.conditions ?? []).some((c) => ["Approved", "Denied", "Failed"].includes(c.type))) return;
      const usages = csr.spec.usages ?? [];
      if (!usages.includes("client auth") || usages.some((u) => !CLIENT_USAGES.has(u))) return;
      const req = await parseCertificateRequest(Buffer.from(csr.spec.request, "base64").toString("utf8")).catch(() => undefined);
      if (!req || req.organizations.join() !== "system:nodes" || !req.commonName.startsWith("system:node:")) return;
      if (req.dnsNames.length || req.ipAddresses.length || req.emailAddresses.length || req.uris.length) return;
      const subresources = csr.spec.username === req.commonName ? ["selfnodeclient", "nodeclient"] : ["nodeclient"];
      for (const subresource of subresources) {
        if (!(await this.allowed(csr, subresource))) continue;
        const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
        const condition = { type: "Approved", status: "True", reason: "AutoApproved", message: "Auto approving kubelet client certificate after SubjectAccessReview.", lastUpdateTime: now, lastTransitionTime: now };
        try {
          await client.resource<Csr>(Resources.certificateSigningRequests).update({ ...csr, status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), condition] } }, { subresource: "approval" });
          logger.info({ csr: name, requester: csr.spec.username, via: subresource }, "approved kubelet client certificate request");
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
      }
    };
    await runWorkers(queue, this.args.concurrentSyncs, sync, {
      onError: (key, err) => logger.warn({ csr: key, err: (err as Error).message }, "csr approval failed; retrying"),
    });
  }

  private async allowed(csr: Csr, subresource: string): Promise<boolean> {
    const review = {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      metadata: {},
      spec: {
        user: csr.spec.username ?? "",
        groups: csr.spec.groups ?? [],
        ...(csr.spec.uid ? { uid: csr.spec.uid } : {}),
        ...(csr.spec.extra ? { extra: csr.spec.extra } : {}),
        resourceAttributes: { group: "certificates.k8s.io", resource: "certificatesigningrequests", verb: "create", subresource },
      },
    };
    const answer = await this.handle.client.resource(Resources.subjectAccessReviews).create(review as KubeObject);
    return (answer as { status?: { allowed?: boolean } }).status?.allowed === true;
  }
}
