import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/addons.settings.schema.json" with { type: "json" };
import type { AddonsSettings } from "../../schemas/generated/components/addons.settings.js";
import type { AddonsHandle } from "./handle.js";
import { Addons } from "./points.js";
import { addonServices } from "./services.js";

export const addonsComponent = defineComponent<AddonsSettings, AddonsHandle>({
  name: "addons",
  description: "Cluster add-ons that run beside the control plane: the cluster DNS server",
  after: ["apiserver"],
  group: "loops",
  points: Object.values(Addons),
  settings: settingsSchema as JsonSchema,
  handle: (base, ctx) => {
    const s = addonServices(ctx);
    return { ...base, client: s.client, informers: s.informers };
  },
  create: async (ctx) => {
    const { AddonsMain } = await import("./addons.js");
    return new AddonsMain(ctx);
  },
});
