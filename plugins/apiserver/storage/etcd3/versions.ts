/**
 * Whether an etcd member answers a watch progress_request only once the stream's
 * watchers have caught up. Earlier members answered at once with the newest revision,
 * which could run ahead of a catching-up watch's events; the fix shipped in 3.4.31 and
 * 3.5.13 (kube-apiserver gates its progress requests on the same versions). Older
 * members get progress from the server's own progress_notify only.
 */
export function progressRequestsAreSafe(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 3) return major > 3;
  if (minor === 4) return patch >= 31;
  if (minor === 5) return patch >= 13;
  return minor > 5;
}
