import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { controllerManagerComponent } from "../../core/controller-manager/component.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../core/controller-manager/index.js";
import { definePlugin } from "../../core/kernel/define-plugin.js";
import { Kernel } from "../../core/kernel/kernel.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import type { Plan } from "../../core/kernel/plan.js";
import { Registry } from "../../core/kernel/registry.js";
import { writeKubeconfig } from "../../core/pki/index.js";
import { tempDir } from "../support/temp.js";

/** Controllers that record what they were handed and how they were run. */
function probe(name: string, extra: Partial<Controller> = {}) {
  const seen: { handle?: ControllerManagerHandle; runs: number; stopped: number } = { runs: 0, stopped: 0 };
  const manifest = definePlugin<Record<string, never>, ControllerManagerHandle, Controller>({
    name,
    serves: [ControllerManager.controllers],
    create: (_args, handle) => {
      seen.handle = handle;
      return {
        ...extra,
        run: async (signal) => {
          seen.runs++;
          await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
          seen.stopped++;
        },
      };
    },
  });
  return { manifest, seen };
}

async function plan(controllers: string[], plugins: string[]): Promise<Plan> {
  const dir = tempDir();
  // Nothing listens there: controllers that make no calls never notice.
  await writeKubeconfig(join(dir, "kc"), { server: "https://127.0.0.1:9", caCert: "CA", clientCert: "CERT", clientKey: "KEY" });
  return {
    profile: "t",
    files: [],
    dataDir: dir,
    packages: [],
    components: {
      "controller-manager": {
        name: "controller-manager",
        enabled: true,
        config: {},
        settings: {
          kubeconfig: join(dir, "kc"),
          controllers,
          minResyncPeriod: "12h",
          bindAddress: "127.0.0.1",
          leaderElection: { leaderElect: false, leaseDuration: "15s", renewDeadline: "10s", retryPeriod: "2s", resourceNamespace: "kube-system", resourceName: "kube-controller-manager" },
        },
        points: { controllers: { id: "controller-manager.controllers", kind: "set", plugins: plugins.map((name) => ({ name, weight: 1, args: {} })) } },
      },
    },
  };
}

describe("controller-manager component", () => {
  it("hands each controller a handle scoped to it, runs the selected ones, and stops them with the kernel", async () => {
    const a = probe("alpha");
    const b = probe("beta", { aliases: ["beta-controller"] });
    const c = probe("gamma", { disabledByDefault: true });
    const registry = new Registry();
    registry.addComponent(controllerManagerComponent);
    for (const p of [a, b, c]) registry.addPlugin(p.manifest);
    const metrics = createRootMetrics();
    const kernel = new Kernel({ registry, plan: await plan(["*", "-beta-controller"], ["alpha", "beta", "gamma"]), logger: silentLogger(), metrics });
    await kernel.start();
    await new Promise((r) => setImmediate(r));

    expect([a.seen.runs, b.seen.runs, c.seen.runs]).toEqual([1, 0, 0]);
    const h = a.seen.handle!;
    // One client and one informer cache for every controller of the component.
    expect(h.client).toBe(b.seen.handle!.client);
    expect(h.informers).toBe(b.seen.handle!.informers);
    expect(h.metrics.labels).toMatchObject({ component: "controller-manager", plugin: "alpha" });
    h.newQueue("alpha").add("x");
    expect(await metrics.registry.metrics()).toMatch(/workqueue_adds_total\{name="alpha"\} 1/);
    expect(typeof h.recorder.event).toBe("function");

    await kernel.stop();
    expect(a.seen.stopped).toBe(1);
    expect(kernel.lifecycle.running()).toEqual([]);
  });
});
