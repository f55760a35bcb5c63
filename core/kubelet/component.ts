import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/kubelet.settings.schema.json" with { type: "json" };
import type { KubeletSettings } from "../../schemas/generated/components/kubelet.settings.js";
import type { KubeletHandle } from "./handle.js";
import { Kubelet } from "./points.js";

/**
 * The kubelet as a component of its own: it declares the points its plugins serve (runtime,
 * volumes, probes), which a plugin on the node component's `nodes` point could not, so it runs
 * beside that component rather than inside it.
 */
export const kubeletComponent = defineComponent<Required<Omit<KubeletSettings, "kubeconfig" | "nodeName">> & Pick<KubeletSettings, "kubeconfig" | "nodeName">, KubeletHandle>({
  name: "kubelet",
  description: "Runs the pods bound to this node on a CRI runtime, with their volumes and probes",
  after: ["apiserver", "runtime"],
  group: "loops",
  points: Object.values(Kubelet),
  settings: settingsSchema as JsonSchema,
  handle: (base) => base,
  create: async (ctx) => {
    const { KubeletComponentMain } = await import("./kubelet-component-main.js");
    return new KubeletComponentMain(ctx);
  },
});
