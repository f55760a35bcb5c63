/**
 * Image references as the Docker/OCI distribution reference grammar fills them in:
 * `busybox` is `docker.io/library/busybox:latest`, `me/app` is `docker.io/me/app:latest`,
 * `registry:5000/app` keeps its registry. A digest reference (`name@sha256:…`) keeps its digest.
 */
export function normalizeImageRef(ref: string): string {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at) : "";
  let name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) name = slash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  const lastSlash = name.lastIndexOf("/");
  if (!digest && !name.slice(lastSlash + 1).includes(":")) name += ":latest";
  return name + digest;
}

/** Whether `text` is an image id or digest: `sha256:` and 64 hex digits. */
export function isDigest(text: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(text);
}
