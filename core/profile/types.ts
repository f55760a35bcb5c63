/** The profile document as written (see schemas/profile.schema.json). */
export interface PluginRef {
  name: string;
  weight?: number;
}
export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: { name: string }[];
}
export interface PluginConfigEntry {
  name: string;
  args?: Record<string, unknown>;
}
export interface ComponentProfile {
  enabled?: boolean;
  settings?: Record<string, unknown>;
  config?: Record<string, Record<string, unknown>>;
  plugins?: Record<string, PluginSet>;
  pluginConfig?: PluginConfigEntry[];
}
export interface ProfileDocument {
  apiVersion: "kitbash.io/v1alpha1";
  kind: "Profile";
  metadata?: { name?: string; description?: string };
  extends?: string | string[];
  packages?: string[];
  dataDir?: string;
  components?: Record<string, ComponentProfile>;
}

export type FieldPath = (string | number)[];

/** Renders a field path the way `--set` reads it: `a.b[0].c`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
