import type { ApiServerSettings as Written } from "../../schemas/generated/components/apiserver.settings.js";

/** The settings after the schema's defaults are applied: everything but advertiseAddress is present. */
export type ApiServerSettings = Required<Omit<Written, "advertiseAddress" | "reportedVersion">> & {
  advertiseAddress?: string;
  reportedVersion: Required<NonNullable<Written["reportedVersion"]>>;
};
