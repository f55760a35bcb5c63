import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { AdmissionPlugin } from "../../../../core/apiserver/chains.js";
import { forbiddenMessage } from "../../../../core/api/status.js";

/** The namespaces the cluster cannot work without; upstream refuses to delete them. */
const IMMORTAL = new Set(["default", "kube-system", "kube-public"]);

export default definePlugin<Record<string, never>, unknown, AdmissionPlugin>({
  name: "NamespaceLifecycle",
  serves: [ApiServer.admission],
  description: "Refuses deleting default, kube-system and kube-public (creates in missing or terminating namespaces are refused by the server itself)",
  upstream: "kube-apiserver --enable-admission-plugins=NamespaceLifecycle",
  create: () => ({
    validate: (req) => {
      if (req.operation === "DELETE" && req.group === "" && req.resource === "namespaces" && !req.subresource && req.name && IMMORTAL.has(req.name)) {
        throw forbiddenMessage({ group: "", resource: "namespaces" }, req.name, "this namespace may not be deleted");
      }
    },
  }),
});
