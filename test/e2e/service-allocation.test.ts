import { describe, expect, it } from "vitest";
import { hasKubectl, startCluster } from "../support/cluster.js";
import { tempDir } from "../support/temp.js";
import { partAvailable } from "../support/parts.js";

const svc = (name: string, spec: Record<string, unknown> = {}) => JSON.stringify({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });

describe.skipIf(!partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)"))("Service IP and node port allocation", () => {
  it("never hands out an IP or port twice, across a restart, and releases them on delete", async () => {
    const dir = tempDir("kitbash-alloc-");
    const path = "/api/v1/namespaces/default/services";
    let c = await startCluster(dir, ["--profile", "control-plane"]);
    const ips = new Set<string>(["10.96.0.1"]);
    let port = 0;
    try {
      for (const n of ["a", "b"]) {
        const r = JSON.parse((await c.api("POST", path, svc(n, { type: "NodePort" }))).body);
        expect(ips.has(r.spec.clusterIP)).toBe(false);
        ips.add(r.spec.clusterIP);
        expect(r.spec.clusterIPs).toEqual([r.spec.clusterIP]);
        expect(r.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
        expect(r.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
        expect(r.spec.ports[0].targetPort).toBe(80);
        port = r.spec.ports[0].nodePort;
      }
    } finally {
      await c.stop();
    }
    c = await startCluster(dir, ["--profile", "control-plane"]);
    try {
      const d = JSON.parse((await c.api("POST", path, svc("d"))).body);
      expect(ips.has(d.spec.clusterIP)).toBe(false);
      const taken = await c.api("POST", path, svc("e", { clusterIP: [...ips][1] }));
      expect(taken.status).toBe(422);
      expect(JSON.parse(taken.body).message).toContain("provided IP is already allocated");
      const portTaken = await c.api("POST", path, svc("f", { type: "NodePort", ports: [{ port: 80, nodePort: port }] }));
      expect(portTaken.status).toBe(422);
      expect((await c.api("DELETE", `${path}/b`)).status).toBe(200);
      const reuse = await c.api("POST", path, svc("g", { type: "NodePort", ports: [{ port: 80, nodePort: port }] }));
      expect(reuse.status).toBe(201);
      const outOfRange = await c.api("POST", path, svc("h", { clusterIP: "192.168.1.1" }));
      expect(outOfRange.status).toBe(422);
    } finally {
      await c.stop();
    }
  }, 120_000);
});
