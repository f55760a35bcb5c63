import type { ControllerManagerSettings as Written } from "../../schemas/generated/components/controller-manager.settings.js";

/** The settings after the schema's defaults are applied. */
export type ControllerManagerSettings = Required<Omit<Written, "kubeconfig" | "port" | "identity" | "leaderElection">> & {
  kubeconfig?: string;
  port?: number;
  identity?: string;
  leaderElection: Required<NonNullable<Written["leaderElection"]>>;
};
