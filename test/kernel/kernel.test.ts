import { describe, expect, it } from "vitest";
import { defineComponent } from "../../core/kernel/component.js";
import { definePlugin } from "../../core/kernel/define-plugin.js";
import { KitbashAggregateError } from "../../core/kernel/errors.js";
import { definePoint } from "../../core/kernel/extension-point.js";
import { Kernel } from "../../core/kernel/kernel.js";
import { Lifecycle } from "../../core/kernel/lifecycle.js";
import { silentLogger } from "../../core/kernel/logging.js";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import type { Plan } from "../../core/kernel/plan.js";
import { Registry } from "../../core/kernel/registry.js";

interface Greeter {
  greet(): string;
}
const events: string[] = [];
const store = definePoint<{ name: string }>({ id: "alpha.store", kind: "single", description: "one store" });
const greeters = definePoint<Greeter>({ id: "alpha.greeters", kind: "ordered", description: "greeters", methods: ["greet"] });

const alpha = defineComponent({
  name: "alpha",
  description: "test component",
  group: "servers",
  points: [store, greeters],
  handle: (base) => base,
  create: (ctx) => ({
    start() {
      events.push(`start alpha: ${ctx.single(store).name} ${ctx.entries(greeters).map((e) => e.instance.greet()).join(",")}`);
    },
    stop() {
      events.push("stop alpha");
    },
  }),
});
const beta = defineComponent({
  name: "beta",
  description: "starts after alpha",
  group: "servers",
  after: ["alpha"],
  points: [],
  handle: (base) => base,
  create: () => ({ start: () => void events.push("start beta"), stop: () => void events.push("stop beta") }),
});

const mem = definePlugin({
  name: "mem",
  serves: [store],
  create: () => ({ name: "mem", start: () => void events.push("start mem"), stop: () => void events.push("stop mem") }),
});
const hello = definePlugin({ name: "hello", serves: [greeters], create: (args: { word: string }) => ({ greet: () => args.word }) });
const broken = definePlugin({ name: "broken", serves: [greeters], create: () => ({}) });
const failing = definePlugin({
  name: "failing",
  serves: [greeters],
  create: () => {
    throw new Error("boom");
  },
});

function plan(greeterNames: string[]): Plan {
  return {
    profile: "t",
    files: [],
    dataDir: "/nonexistent",
    packages: [],
    components: {
      beta: { name: "beta", enabled: true, settings: {}, config: {}, points: {} },
      alpha: {
        name: "alpha",
        enabled: true,
        settings: {},
        config: {},
        points: {
          store: { id: "alpha.store", kind: "single", plugins: [{ name: "mem", weight: 1, args: {} }] },
          greeters: { id: "alpha.greeters", kind: "ordered", plugins: greeterNames.map((n) => ({ name: n, weight: 1, args: { word: n } })) },
        },
      },
    },
  };
}

function registry() {
  const r = new Registry();
  r.addComponent(alpha);
  r.addComponent(beta);
  for (const p of [mem, hello, broken, failing]) r.addPlugin(p);
  return r;
}

describe("Kernel", () => {
  it("starts plugins, then components in dependency order, and stops in reverse", async () => {
    events.length = 0;
    const k = new Kernel({ registry: registry(), plan: plan(["hello"]), logger: silentLogger(), metrics: createRootMetrics() });
    expect(k.order().map((d) => d.name)).toEqual(["alpha", "beta"]);
    await k.start();
    expect(k.lifecycle.running()).toEqual(["alpha/mem", "alpha", "beta"]);
    await k.stop();
    await k.stop(); // idempotent
    expect(events).toEqual(["start mem", "start alpha: mem hello", "start beta", "stop beta", "stop alpha", "stop mem"]);
  });

  it("registers each point's entries under its token in the component's child container", async () => {
    const k = new Kernel({ registry: registry(), plan: plan(["hello"]), logger: silentLogger(), metrics: createRootMetrics() });
    await k.build();
    const c = k.components.get("alpha")!;
    const list = c.container.resolve(greeters.token) as readonly { name: string }[];
    expect(list.map((e) => e.name)).toEqual(["hello"]);
    expect(Object.isFrozen(list)).toBe(true);
    expect(k.root.isRegistered(greeters.token)).toBe(false);
    await k.stop();
  });

  it("reports every plugin that fails to build, at once", async () => {
    const k = new Kernel({ registry: registry(), plan: plan(["broken", "failing"]), logger: silentLogger(), metrics: createRootMetrics() });
    const err = await k.build().then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeDefined();
    const text = err instanceof KitbashAggregateError ? err.format() : String(err.message);
    expect(text).toContain("create failed in plugin failing: boom");
    await k.stop();
  });

  it("rejects a plugin instance that lacks a point's methods", async () => {
    const k = new Kernel({ registry: registry(), plan: plan(["broken"]), logger: silentLogger(), metrics: createRootMetrics() });
    await expect(k.build()).rejects.toThrow(/plugin broken is placed at alpha.greeters but lacks greet/);
  });
});

describe("Lifecycle", () => {
  it("stops under a timeout and goes on past a stuck stop", async () => {
    const order: string[] = [];
    const l = new Lifecycle(silentLogger(), 50);
    l.add("a", 0, { stop: () => void order.push("a") });
    l.add("stuck", 1, { stop: () => new Promise(() => undefined) });
    l.add("c", 2, { stop: () => void order.push("c") });
    await l.start();
    const t = Date.now();
    await l.stop();
    expect(order).toEqual(["c", "a"]);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(l.running()).toEqual([]);
  });

  it("aborts the start signal on stop", async () => {
    let signal: AbortSignal | undefined;
    const l = new Lifecycle(silentLogger());
    l.add("x", 0, { start: (s) => void (signal = s) });
    await l.start();
    expect(signal?.aborted).toBe(false);
    await l.stop();
    expect(signal?.aborted).toBe(true);
  });
});
