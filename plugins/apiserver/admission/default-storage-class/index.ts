import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

const DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

export default definePlugin<Record<string, never>, ApiServerHandle, AdmissionPlugin>({
  name: "DefaultStorageClass",
  serves: [ApiServer.admission],
  description: "A claim without storageClassName gets the default StorageClass",
  upstream: "kube-apiserver --enable-admission-plugins=DefaultStorageClass",
  create: (_args, handle) => ({
    admit: async (req) => {
      if (req.operation !== "CREATE" || req.group !== "" || req.resource !== "persistentvolumeclaims" || req.subresource || !req.object?.spec) return;
      // An explicit "" asks for no class at all; only an absent name is defaulted.
      if (req.object.spec.storageClassName !== undefined) return;
      const classes = await handle.cluster.list("storage.k8s.io", "v1", "storageclasses");
      const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_ANNOTATION] === "true");
      if (!defaults.length) return;
      // Several defaults: the newest wins (then the name), as upstream chooses since 1.26.
      defaults.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
      req.object.spec.storageClassName = defaults[0]!.metadata.name;
    },
  }),
});
