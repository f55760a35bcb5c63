import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadKubeconfig } from "../../core/client/config.js";
import { controllerManagerCredentials } from "../../core/controller-manager/connection.js";
import { DeferredTransport } from "../../core/client/index.js";
import { ensureClusterPki, writeKubeconfig } from "../../core/pki/index.js";
import { tempDir } from "../support/temp.js";

describe("controller manager credentials", () => {
  it("without a kubeconfig, issues itself a system:kube-controller-manager certificate from the data dir's CA for the server the admin kubeconfig names", async () => {
    const dataDir = tempDir();
    const pki = await ensureClusterPki({ dir: join(dataDir, "pki"), serviceIP: "10.96.0.1" });
    await writeKubeconfig(join(dataDir, "admin.kubeconfig"), { server: "https://127.0.0.1:7443", caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
    const config = await controllerManagerCredentials({ dataDir });
    expect(config.server).toBe("https://127.0.0.1:7443");
    const cert = new X509Certificate(config.cert!);
    expect(cert.subject).toBe("CN=system:kube-controller-manager");
    expect(cert.checkIssued(new X509Certificate(pki.caCert))).toBe(true);
    // Written beside the admin's, as kubeadm writes controller-manager.conf.
    const written = await loadKubeconfig(join(dataDir, "controller-manager.kubeconfig"));
    expect(written.cert).toBe(config.cert);
  });

  it("names what is missing when there is neither a kubeconfig nor an API server in the data dir", async () => {
    const dataDir = tempDir();
    await expect(controllerManagerCredentials({ dataDir })).rejects.toThrow(/no kubeconfig given and no API server to join in .*: cannot read kubeconfig .*admin\.kubeconfig: no such file\. Pass --kubeconfig/);
  });

  it("uses the kubeconfig it is given as it is", async () => {
    const dir = tempDir();
    await writeKubeconfig(join(dir, "kc"), { server: "https://10.0.0.1:6443", caCert: "CA", clientCert: "CERT", clientKey: "KEY" });
    expect(await controllerManagerCredentials({ kubeconfig: join(dir, "kc"), dataDir: dir })).toMatchObject({ server: "https://10.0.0.1:6443", ca: "CA", cert: "CERT", key: "KEY" });
  });
});

describe("DeferredTransport", () => {
  it("holds calls until connected, then passes them on; closing unconnected fails them", async () => {
    const t = new DeferredTransport();
    const served: string[] = [];
    const call = t.request({ method: "GET", path: "/x", headers: {} });
    t.connect({
      request: async (r) => (served.push(r.path), { status: 200, headers: {}, body: Buffer.from("ok") }),
      stream: async () => {
        throw new Error("unused");
      },
      close: () => undefined,
    });
    expect((await call).body.toString()).toBe("ok");
    expect(served).toEqual(["/x"]);

    const never = new DeferredTransport();
    const waiting = never.request({ method: "GET", path: "/y", headers: {} });
    never.close();
    await expect(waiting).rejects.toThrow(/stopped before it connected/);
  });
});
