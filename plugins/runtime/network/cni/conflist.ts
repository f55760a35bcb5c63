import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CNI_VERSION = "1.0.0";

export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface Conflist {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  plugins: PluginConf[];
  /** The file it came from, for error messages. */
  file: string;
}

/** The first `*.conflist` of the folder by name, as containerd (max_conf_num 1) picks it; undefined when there is none. */
export function loadConflist(confDir: string): Conflist | undefined {
  let names: string[];
  try {
    names = readdirSync(confDir).filter((n) => n.endsWith(".conflist")).sort();
  } catch {
    return undefined;
  }
  if (!names.length) return undefined;
  const file = join(confDir, names[0]!);
  let data: Partial<Conflist>;
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as Partial<Conflist>;
  } catch (err) {
    throw new Error(`${file}: not JSON: ${(err as Error).message}`);
  }
  if (typeof data.cniVersion !== "string") throw new Error(`${file}: field cniVersion: required`);
  if (typeof data.name !== "string" || !data.name) throw new Error(`${file}: field name: required`);
  if (!Array.isArray(data.plugins) || !data.plugins.length) throw new Error(`${file}: field plugins: at least one plugin is required`);
  data.plugins.forEach((p, i) => {
    if (!p || typeof p.type !== "string") throw new Error(`${file}: field plugins[${i}].type: required`);
  });
  return { ...(data as Conflist), file };
}

/** Kitbash's default network: a bridge with host-local addresses from the node's pod CIDR, and portmap for hostPorts. */
export function defaultConflist(podCIDR: string, name = "kitbash"): Omit<Conflist, "file"> {
  return {
    cniVersion: CNI_VERSION,
    name,
    plugins: [
      {
        type: "bridge",
        bridge: "cni0",
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: "host-local", ranges: [[{ subnet: podCIDR }]], routes: [{ dst: podCIDR.includes(":") ? "::/0" : "0.0.0.0/0" }] },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

/** Writes the default conflist as `10-kitbash.conflist` (atomically) unless the folder has a conflist already. */
export function writeDefaultConflist(confDir: string, podCIDR: string): string | undefined {
  if (loadConflist(confDir)) return undefined;
  mkdirSync(confDir, { recursive: true });
  const file = join(confDir, "10-kitbash.conflist");
  writeFileSync(`${file}.tmp`, JSON.stringify(defaultConflist(podCIDR), null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  return file;
}
