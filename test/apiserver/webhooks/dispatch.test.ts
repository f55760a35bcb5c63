import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, loadCertificateAuthority } from "../../../core/pki/certificate-authority.js";
import { WebhookDispatcher } from "../../../core/apiserver/webhooks/dispatch.js";
import { silentLogger } from "../../../core/kernel/logging.js";
import { admissionRequest, handleWith } from "../../plugins/apiserver/admission/fake-request.js";

/** Each path of the test server answers reviews its own way; calls are recorded per path. */
type Answer = (request: any) => Record<string, unknown>;
const answers: Record<string, Answer> = {
  "/allow": () => ({ allowed: true }),
  "/deny": () => ({ allowed: false, status: { code: 422, message: "no pets allowed", reason: "Invalid" } }),
  "/deny-bare": () => ({ allowed: false }),
  "/label": () => ({ allowed: true, patchType: "JSONPatch", patch: b64([{ op: "add", path: "/metadata/labels", value: { seen: "yes" } }]), warnings: ["labelled"], auditAnnotations: { why: "policy" } }),
  "/add-container": (r) => (r.object.spec.containers.length > 1 ? { allowed: true } : { allowed: true, patchType: "JSONPatch", patch: b64([{ op: "add", path: "/spec/containers/-", value: { name: "extra" } }]) }),
  "/wrong-uid": () => ({ uid: "not-the-request", allowed: true }),
  "/slow": () => ({ allowed: true }),
};
const calls: Record<string, number> = {};
let server: Server;
let base = "";
let caBundle = "";

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64");
}

beforeAll(async () => {
  const ca = await createCertificateAuthority("webhook-test-ca", 1);
  const leaf = await (await loadCertificateAuthority(ca)).issue({ commonName: "localhost", days: 1, serving: { dns: ["localhost"], ips: ["127.0.0.1"] } });
  caBundle = Buffer.from(ca.cert).toString("base64");
  server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!;
      calls[path] = (calls[path] ?? 0) + 1;
      const review = JSON.parse(body);
      const reply = () => res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, ...answers[path]!(review.request) } }));
      if (path === "/slow") setTimeout(reply, 1500);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const rule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] };
function dispatcher(kind: "mutating" | "validating", webhooks: object[]) {
  const resource = kind === "mutating" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
  const handle = handleWith({ [`${resource}//config`]: { metadata: { name: "config" }, webhooks }, "namespaces//ns": { metadata: { name: "ns" } } });
  return new WebhookDispatcher(kind, handle.cluster, silentLogger());
}
const hook = (name: string, path: string, extra: object = {}) => ({ name, clientConfig: { url: `${base}${path}`, caBundle }, rules: [rule], sideEffects: "None", ...extra });
const podCreate = (dryRun = false) => admissionRequest({ operation: "CREATE", resource: "pods", namespace: "ns", name: "p", dryRun, object: { metadata: { name: "p" }, spec: { containers: [{ name: "app" }] } } });

describe("admission webhook dispatcher", () => {
  it("applies a JSONPatch in place and passes on warnings and audit annotations", async () => {
    const req = podCreate();
    await dispatcher("mutating", [hook("label.example.com", "/label")]).run(req);
    expect(req.object!.metadata.labels).toEqual({ seen: "yes" });
    expect(req.warnings).toEqual(["labelled"]);
    expect(req.annotations["label.example.com/why"]).toBe("policy");
    expect(JSON.parse(req.annotations["mutation.webhook.admission.k8s.io/round_0_index_0"]!)).toEqual({ configuration: "config", webhook: "label.example.com", mutated: true });
  });

  it("reinvokes an IfNeeded webhook once a later one changed the object", async () => {
    const before = calls["/allow"] ?? 0;
    const req = podCreate();
    await dispatcher("mutating", [hook("first.example.com", "/allow", { reinvocationPolicy: "IfNeeded" }), hook("adder.example.com", "/add-container")]).run(req);
    expect(req.object!.spec.containers.map((c: any) => c.name)).toEqual(["app", "extra"]);
    expect((calls["/allow"] ?? 0) - before).toBe(2);
  });

  it("a denial carries the webhook's name, message and code (at least 400)", async () => {
    await expect(dispatcher("validating", [hook("pets.example.com", "/deny")]).run(podCreate())).rejects.toMatchObject({
      status: { code: 422, reason: "Invalid", message: 'admission webhook "pets.example.com" denied the request: no pets allowed' },
    });
    await expect(dispatcher("validating", [hook("quiet.example.com", "/deny-bare")]).run(podCreate())).rejects.toMatchObject({
      status: { code: 400, message: 'admission webhook "quiet.example.com" denied the request without explanation' },
    });
  });

  it("a wrong response uid, a timeout or an unknown CA fail the call; Ignore lets the request through", async () => {
    await expect(dispatcher("validating", [hook("uid.example.com", "/wrong-uid")]).run(podCreate())).rejects.toThrow(
      'Internal error occurred: failed calling webhook "uid.example.com": failed to call webhook: expected response.uid=',
    );
    await expect(dispatcher("validating", [hook("slow.example.com", "/slow", { timeoutSeconds: 1 })]).run(podCreate())).rejects.toThrow(
      `failed calling webhook "slow.example.com": failed to call webhook: Post "${base}/slow?timeout=1s": context deadline exceeded`,
    );
    await expect(dispatcher("validating", [{ ...hook("ca.example.com", "/allow"), clientConfig: { url: `${base}/allow` } }]).run(podCreate())).rejects.toThrow(
      "tls: failed to verify certificate: x509: certificate signed by unknown authority",
    );
    const req = podCreate();
    await dispatcher("validating", [hook("slow.example.com", "/slow", { timeoutSeconds: 1, failurePolicy: "Ignore" })]).run(req);
    expect(req.annotations["failed-open.validating.webhook.admission.k8s.io/round_0_index_0"]).toBe("slow.example.com");
  });

  it("a dry run reaching a webhook with side effects is refused; None and NoneOnDryRun are called", async () => {
    await expect(dispatcher("validating", [hook("effects.example.com", "/allow", { sideEffects: "Some" })]).run(podCreate(true))).rejects.toMatchObject({
      status: { code: 400, message: 'admission webhook "effects.example.com" does not support dry run' },
    });
    await dispatcher("validating", [hook("pure.example.com", "/allow", { sideEffects: "NoneOnDryRun" })]).run(podCreate(true));
  });
});
