import type { SchedulerSettings as Written } from "../../schemas/generated/components/scheduler.settings.js";

/** The settings after the schema's defaults are applied. */
export type SchedulerSettings = Required<Omit<Written, "kubeconfig" | "port" | "identity" | "leaderElection">> & {
  kubeconfig?: string;
  port?: number;
  identity?: string;
  leaderElection: Required<NonNullable<Written["leaderElection"]>>;
};
