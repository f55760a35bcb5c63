import type { KeyToPath } from "./api-types.js";

export type VolumeFiles = Map<string, { data: Buffer; mode: number }>;

/**
 * The files a ConfigMap or Secret projects: every key, or only `items` (each to its path, with
 * its mode). A listed key that is missing is an error unless the source is optional.
 */
export function projectKeys(
  data: Record<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  what: string,
  optional: boolean,
): VolumeFiles {
  const files: VolumeFiles = new Map();
  if (!items?.length) {
    for (const [key, value] of Object.entries(data)) files.set(key, { data: value, mode: defaultMode });
    return files;
  }
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) {
      if (optional) continue;
      throw new Error(`configuration of ${what} has no key ${item.key}`);
    }
    if (item.path.split("/").includes("..") || item.path.startsWith("/")) throw new Error(`item path ${item.path} of ${what} must be relative and must not contain '..'`);
    files.set(item.path, { data: value, mode: item.mode ?? defaultMode });
  }
  return files;
}

/** A stable signature of a file set, so an unchanged set is not rewritten. */
export function filesSignature(files: VolumeFiles): string {
  return JSON.stringify([...files].sort(([a], [b]) => a.localeCompare(b)).map(([p, f]) => [p, f.mode, f.data.toString("base64")]));
}
