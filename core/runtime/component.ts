import { defineComponent, type BaseHandle } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/runtime.settings.schema.json" with { type: "json" };
import type { RuntimeSettings } from "../../schemas/generated/components/runtime.settings.js";
import { Runtime } from "./points.js";

/**
 * Kitbash's embedded container runtime: a CRI server the kubelet reaches like containerd,
 * so the kubelet's code path is one. Its `network` point sets up pods' networking.
 */
export const runtimeComponent = defineComponent<Required<RuntimeSettings>, BaseHandle>({
  name: "runtime",
  description: "The embedded container runtime: CRI over a unix socket, a local image store, containers as namespaced processes",
  group: "servers",
  points: Object.values(Runtime),
  settings: settingsSchema as JsonSchema,
  handle: (base) => base,
  create: async (ctx) => {
    const { RuntimeMain } = await import("./server.js");
    return new RuntimeMain(ctx);
  },
});
