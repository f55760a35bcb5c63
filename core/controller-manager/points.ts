import { definePoint } from "../kernel/extension-point.js";
import type { Controller } from "./controller.js";

/** The controller manager's extension points; its core runs them and names no controller. */
export const ControllerManager = {
  controllers: definePoint<Controller>({
    id: "controller-manager.controllers",
    kind: "set",
    description: "Controllers run while this controller manager leads; `settings.controllers` picks which with upstream's --controllers rules",
    methods: ["run"],
  }),
} as const;
