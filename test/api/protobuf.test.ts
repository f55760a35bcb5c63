import { describe, expect, it } from "vitest";
import { decodeEnvelope, decodeObject, encodeEnvelope } from "../../core/api/protobuf/index.js";
import { Writer } from "../../core/api/protobuf/wire.js";

const text = (s: string) => new TextEncoder().encode(s);
const msg = (build: (w: Writer) => void) => {
  const w = new Writer();
  build(w);
  return w.finish();
};

describe("Kubernetes protobuf bodies", () => {
  it("decodes a Namespace written byte by byte", () => {
    // ObjectMeta{1: name "demo"} inside Namespace{1: metadata}.
    const raw = Uint8Array.from([0x0a, 0x06, 0x0a, 0x04, ...text("demo")]);
    const body = encodeEnvelope("v1", "Namespace", raw);
    expect([...body.slice(0, 4)]).toEqual([0x6b, 0x38, 0x73, 0x00]);
    const env = decodeEnvelope(body);
    expect(env).toMatchObject({ apiVersion: "v1", kind: "Namespace" });
    expect(decodeObject(env.apiVersion, env.kind, env.raw)).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  });

  it("maps bytes to base64, map entries to objects, and drops Go's unset empty strings", () => {
    const meta = msg((w) => w.bytes(1, text("s")).bytes(2, text("")));
    const entry = msg((w) => w.bytes(1, text("pw")).bytes(2, text("s3cret")));
    const raw = msg((w) => w.bytes(1, meta).bytes(2, entry).bytes(3, text("Opaque")));
    expect(decodeObject("v1", "Secret", raw)).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { pw: Buffer.from("s3cret").toString("base64") }, type: "Opaque" });
  });

  it("keeps a zero replicas, decodes Time and IntOrString", () => {
    const time = msg((w) => w.tag(1, 0).varint(1_764_033_548).tag(2, 0).varint(0));
    const meta = msg((w) => w.bytes(1, text("web")).bytes(8, time));
    const surge = msg((w) => w.tag(1, 0).varint(1).bytes(3, text("25%")));
    const unavailable = msg((w) => w.tag(1, 0).varint(0).tag(2, 0).varint(1));
    const rolling = msg((w) => w.bytes(1, unavailable).bytes(2, surge));
    const strategy = msg((w) => w.bytes(1, text("RollingUpdate")).bytes(2, rolling));
    const spec = msg((w) => w.tag(1, 0).varint(0).bytes(4, strategy));
    const raw = msg((w) => w.bytes(1, meta).bytes(2, spec));
    const d = decodeObject("apps/v1", "Deployment", raw) as any;
    expect(d.metadata).toEqual({ name: "web", creationTimestamp: "2025-11-25T01:19:08Z" });
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } });
  });

  it("inlines Go embeddings as JSON does: a volume's source, a probe's handler, a key selector's name", () => {
    const volume = msg((w) => w.bytes(1, text("data")).bytes(2, msg((v) => v.bytes(2, msg((e) => e.bytes(1, text("Memory")))))));
    const selector = msg((w) => w.bytes(1, msg((r) => r.bytes(1, text("db")))).bytes(2, text("pw")));
    const env = msg((w) => w.bytes(1, text("PW")).bytes(3, msg((s) => s.bytes(4, selector))));
    const port = msg((w) => w.tag(1, 0).varint(0).tag(2, 0).varint(8080));
    const probe = msg((w) => w.bytes(1, msg((h) => h.bytes(2, msg((g) => g.bytes(1, text("/healthz")).bytes(2, port))))));
    const container = msg((w) => w.bytes(1, text("app")).bytes(2, text("busybox")).bytes(7, env).bytes(10, probe));
    const raw = msg((w) => w.bytes(1, msg((m) => m.bytes(1, text("p")))).bytes(2, msg((s) => s.bytes(1, volume).bytes(2, container))));
    const pod = decodeObject("v1", "Pod", raw) as any;
    expect(pod.spec.volumes).toEqual([{ name: "data", emptyDir: { medium: "Memory" } }]);
    expect(pod.spec.containers[0].env).toEqual([{ name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "pw" } } }]);
    expect(pod.spec.containers[0].livenessProbe).toEqual({ httpGet: { path: "/healthz", port: 8080 } });
  });

  it("uses JSON's names where the proto's differ (`Webhooks` is `webhooks`)", () => {
    const raw = msg((w) => w.bytes(1, msg((m) => m.bytes(1, text("hooks")))).bytes(2, msg((h) => h.bytes(1, text("check.example.com")))));
    expect(decodeObject("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", raw)).toMatchObject({ webhooks: [{ name: "check.example.com" }] });
  });

  it("finds options kinds in meta whatever group version the envelope names", () => {
    const raw = msg((w) => w.tag(1, 0).varint(0).bytes(4, text("Background")));
    expect(decodeObject("v1", "DeleteOptions", raw)).toEqual({ apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0, propagationPolicy: "Background" });
  });

  it("leaves out the zeros Go's JSON omits (non-pointer omitempty fields) and keeps a pointer's explicit zero", () => {
    const meta = msg((w) => w.bytes(1, text("web")).tag(7, 0).varint(0));
    const template = msg((w) => w.bytes(1, msg((m) => m.tag(7, 0).varint(0))));
    // replicas (a pointer) 0, minReadySeconds 0, paused false: as kubectl's typed client writes them.
    const spec = msg((w) => w.tag(1, 0).varint(0).bytes(3, template).tag(5, 0).varint(0).tag(7, 0).varint(0));
    const d = decodeObject("apps/v1", "Deployment", msg((w) => w.bytes(1, meta).bytes(2, spec))) as any;
    expect(d.metadata).toEqual({ name: "web" });
    expect(d.spec).toEqual({ replicas: 0, template: { metadata: {} } });
    const sar = decodeObject("authorization.k8s.io/v1", "SubjectAccessReview", msg((w) => w.bytes(3, msg((s) => s.tag(1, 0).varint(0).tag(4, 0).varint(0))))) as any;
    expect(sar.status).toEqual({ allowed: false });
  });

  it("refuses a body without the prefix and a truncated one", () => {
    expect(() => decodeEnvelope(text("{}"))).toThrow(/k8s\\0/);
    const body = encodeEnvelope("v1", "Namespace", Uint8Array.from([0x0a, 0x06, 0x0a, 0x04, 0x64]));
    const env = decodeEnvelope(body);
    expect(() => decodeObject(env.apiVersion, env.kind, env.raw)).toThrow(/truncated/);
    expect(() => decodeObject("v1", "NoSuchKind", new Uint8Array())).toThrow(/no protobuf message/);
  });
});
