import {
  discoverPreferred,
  isMethodNotSupported,
  isNotFound,
  type DiscoveredResource,
  type KubeClient,
  type KubeObject,
} from "../../../../core/client/index.js";
import type { DeletionOutcome } from "./conditions.js";

export interface ContentPass extends DeletionOutcome {
  /** Seconds until the slowest remaining pod's grace period ends; 0 when none is pending. */
  estimateSeconds: number;
}

const gr = (r: DiscoveredResource) => `${r.resource}.${r.group}`;

/**
 * One pass of upstream's deleteAllContent: every namespaced resource discovery lists that can be
 * listed and deleted is deleted in the namespace (a collection delete where served, one by one
 * otherwise, background propagation either way), then listed again to see what is left and
 * which finalizers hold it.
 */
export async function deleteAllContent(client: KubeClient, namespace: string, now: number): Promise<ContentPass> {
  const { resources, failed } = await discoverPreferred(client);
  const pass: ContentPass = { discoveryFailures: failed, contentFailures: [], remainingByResource: {}, remainingByFinalizer: {}, estimateSeconds: 0 };
  const deletable = resources.filter((r) => r.namespaced && r.verbs.includes("delete") && r.verbs.includes("list"));
  await Promise.all(
    deletable.map(async (r) => {
      const rc = client.resource(r, namespace);
      try {
        if (r.verbs.includes("deletecollection")) {
          try {
            await rc.deleteCollection({}, { propagationPolicy: "Background" });
          } catch (err) {
            if (!isMethodNotSupported(err)) throw err;
            await deleteEach(client, r, namespace);
          }
        } else {
          await deleteEach(client, r, namespace);
        }
        const left = (await rc.list()).items;
        if (!left.length) return;
        pass.remainingByResource[gr(r)] = left.length;
        for (const obj of left) {
          for (const f of obj.metadata.finalizers ?? []) pass.remainingByFinalizer[f] = (pass.remainingByFinalizer[f] ?? 0) + 1;
          pass.estimateSeconds = Math.max(pass.estimateSeconds, graceRemaining(obj, now));
        }
      } catch (err) {
        if (isNotFound(err)) return;
        pass.contentFailures.push(`${gr(r)}: ${(err as Error).message}`);
      }
    }),
  );
  return pass;
}

async function deleteEach(client: KubeClient, r: DiscoveredResource, namespace: string): Promise<void> {
  const rc = client.resource(r, namespace);
  for (const obj of (await rc.list()).items) {
    if (obj.metadata.deletionTimestamp) continue;
    await rc.delete(obj.metadata.name!, { propagationPolicy: "Background" }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** Seconds left of a terminating object's grace period (upstream estimates this for pods). */
function graceRemaining(obj: KubeObject, now: number): number {
  const { deletionTimestamp, deletionGracePeriodSeconds } = obj.metadata;
  if (!deletionTimestamp || !deletionGracePeriodSeconds) return 0;
  const end = Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000;
  return Math.max(0, Math.ceil((end - now) / 1000));
}
