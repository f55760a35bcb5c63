import type { NodeSettings as Written } from "../../schemas/generated/components/node.settings.js";

/** The settings after the schema's defaults are applied. */
export type NodeSettings = Omit<Written, "minResyncPeriod"> & { minResyncPeriod: string };
