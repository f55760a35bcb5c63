import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/node.settings.schema.json" with { type: "json" };
import type { NodeHandle } from "./handle.js";
import { Node } from "./points.js";
import type { NodeSettings } from "./settings.js";
import { nodeServices } from "./shared-services.js";

export const nodeComponent = defineComponent<NodeSettings, NodeHandle>({
  name: "node",
  description: "Runs the node agents of the profile: a kubelet for this machine, or simulated Nodes",
  after: ["apiserver", "runtime"],
  group: "loops",
  points: Object.values(Node),
  settings: settingsSchema as JsonSchema,
  handle: (base, ctx) => {
    const s = nodeServices(ctx);
    const plugin = base.metrics.labels.plugin ?? "node";
    return { ...base, client: s.client, informers: s.informers, recorder: s.events.recorderFor(plugin), clock: s.clock };
  },
  create: async (ctx) => {
    const { NodeMain } = await import("./node-main.js");
    return new NodeMain(ctx);
  },
});
