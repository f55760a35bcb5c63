import type { ControllerManagerSettings as Written } from "../../schemas/generated/components/controller-manager.settings.js";

/** The settings after the schema's defaults are applied. */
export type ControllerManagerSettings = Required<Omit<Written, "kubeconfig" | "identity" | "leaderElection">> & {
  kubeconfig?: string;
  identity?: string;
  leaderElection: Required<NonNullable<Written["leaderElection"]>>;
};
