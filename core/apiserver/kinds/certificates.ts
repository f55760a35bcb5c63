import { fieldForbidden, fieldInvalid, fieldRequired, type FieldCause } from "../../api/status.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const DECISIONS = ["Approved", "Denied"];

/** A signer name is a domain and a path: `example.com/signer-name`. */
const SIGNER = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}\/[a-zA-Z0-9._\-/]+$/;

/** The request must be one PEM block of type CERTIFICATE REQUEST, as upstream parses it. */
function requestCause(request: string): FieldCause | undefined {
  const pem = Buffer.from(request, "base64").toString("utf8");
  const block = /-----BEGIN ([A-Z ]+)-----\s*([A-Za-z0-9+/=\s]+?)-----END \1-----/.exec(pem);
  if (!block) return fieldInvalid("spec.request", "<redacted>", "PEM block type must be CERTIFICATE REQUEST");
  if (block[1] !== "CERTIFICATE REQUEST") return fieldInvalid("spec.request", "<redacted>", "PEM block type must be CERTIFICATE REQUEST");
  return undefined;
}

function validateCsr(csr: KubeObj): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = csr.spec ?? {};
  if (!spec.request) causes.push(fieldRequired("spec.request"));
  else {
    const bad = requestCause(spec.request);
    if (bad) causes.push(bad);
  }
  if (!spec.signerName) causes.push(fieldRequired("spec.signerName"));
  else if (!SIGNER.test(spec.signerName)) causes.push(fieldInvalid("spec.signerName", spec.signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
  if (!spec.usages?.length) causes.push(fieldRequired("spec.usages"));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) causes.push(fieldInvalid("spec.expirationSeconds", spec.expirationSeconds, "may not specify a duration less than 600 seconds (10 minutes)"));
  const types = (csr.status?.conditions ?? []).map((c: any) => c.type);
  if (types.includes("Approved") && types.includes("Denied")) {
    causes.push(fieldInvalid("status.conditions", "Approved", "Approved and Denied conditions are mutually exclusive"));
  }
  return causes;
}

const decisions = (csr: KubeObj) => (csr.status?.conditions ?? []).filter((c: any) => DECISIONS.includes(c.type));

/**
 * CertificateSigningRequests: the requester is the user who created it (the spec's
 * username, uid, groups and extra are the server's), nothing is approved at create,
 * `/approval` writes the Approved/Denied conditions alone, `/status` the certificate and
 * other conditions, and the main resource neither.
 */
export const csrStrategy: Strategy = {
  prepareForCreate(csr, ctx) {
    const { user } = ctx;
    csr.spec = { ...(csr.spec ?? {}), username: user.name, groups: user.groups };
    if (user.uid) csr.spec.uid = user.uid;
    else delete csr.spec.uid;
    if (user.extra && Object.keys(user.extra).length) csr.spec.extra = user.extra;
    else delete csr.spec.extra;
    csr.status = {};
  },
  prepareForUpdate(csr, old, ctx) {
    csr.spec = old.spec;
    const status = csr.status ?? {};
    if (ctx.subresource === "approval") {
      csr.status = { ...status };
      if (old.status?.certificate === undefined) delete csr.status.certificate;
      else csr.status.certificate = old.status.certificate;
    } else if (ctx.subresource === "status") {
      const others = (status.conditions ?? []).filter((c: any) => !DECISIONS.includes(c.type));
      const conditions = [...decisions(old), ...others];
      csr.status = { ...status, ...(conditions.length ? { conditions } : {}) };
      if (!conditions.length) delete csr.status.conditions;
    } else {
      csr.status = old.status;
    }
  },
  validate: (csr) => validateCsr(csr),
  validateUpdate(csr, old) {
    const causes = validateCsr(csr);
    // A decision stands once made.
    for (const d of decisions(old)) {
      if (!decisions(csr).some((c: any) => c.type === d.type)) causes.push(fieldForbidden("status.conditions", `updates may not remove a condition of type "${d.type}"`));
    }
    return causes;
  },
};
