// Cost of managed-fields bookkeeping, in process (no server): the Update entry every
// create and update records, and a server-side apply, for a Deployment as kubectl sends it.
// Median of 7 rounds of 2,000 operations each, after a warm-up; the build in dist/ is used.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const name = "apply";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

const deployment = (image, replicas) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{ name: "nginx", image, ports: [{ containerPort: 80, protocol: "TCP" }], env: [{ name: "A", value: "1" }], resources: {}, imagePullPolicy: "IfNotPresent" }],
        dnsPolicy: "ClusterFirst",
        restartPolicy: "Always",
      },
    },
  },
});

export async function run({ root, rounds = 7, ops = 2000 }) {
  const load = (f) => import(pathToFileURL(join(root, "dist", "core", "api", "apply", f)).href);
  const { trackUpdate, applyConfig } = await load("field-manager.js");
  const { ApplySchema } = await load("schema.js");
  const scope = { schema: ApplySchema.builtin("io.k8s.api.apps.v1.Deployment"), apiVersion: "apps/v1", manager: "kubectl", hasStatus: true, now: "2026-01-01T00:00:00Z", force: false };
  const v1 = deployment("nginx:1.25", 2);
  const v2 = deployment("nginx:1.26", 2);
  const created = trackUpdate(undefined, v1, [], scope);
  const applied = applyConfig(undefined, v1, [], scope);
  const cases = [
    { id: "update-entry-create", fn: () => trackUpdate(undefined, v1, [], scope) },
    { id: "update-entry-change", fn: () => trackUpdate(v1, v2, created, scope) },
    { id: "apply-unchanged", fn: () => applyConfig(applied.object, v1, applied.entries, scope) },
    { id: "apply-change", fn: () => applyConfig(applied.object, v2, applied.entries, scope) },
  ];
  const results = [];
  for (const c of cases) {
    for (let i = 0; i < ops; i++) c.fn();
    const perOp = [];
    for (let r = 0; r < rounds; r++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) c.fn();
      perOp.push(Number(process.hrtime.bigint() - t) / 1e3 / ops);
    }
    results.push({ id: c.id, ops, rounds, medianUs: Math.round(median(perOp)), minUs: Math.round(Math.min(...perOp)) });
  }
  return { metric: "µs per operation", results, chart: results.map((r) => ({ label: r.id, value: r.medianUs })) };
}
