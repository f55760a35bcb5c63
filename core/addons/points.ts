import { definePoint } from "../kernel/extension-point.js";
import type { AddOn } from "./add-on.js";

/** The cluster add-ons' extension points; the component runs their plugins and names none. */
export const Addons = {
  dns: definePoint<AddOn>({
    id: "addons.dns",
    kind: "single",
    description: "The cluster DNS server answering for Services and Pods under the cluster domain",
    methods: ["run"],
  }),
} as const;
