import { join } from "node:path";
import { defineComponent } from "../kernel/component.js";
import type { JsonSchema } from "../kernel/json-schema.js";
import settingsSchema from "../../schemas/components/apiserver.settings.schema.json" with { type: "json" };
import type { ApiServerHandle } from "./handle.js";
import { clusterObjectsOf } from "./cluster-objects.js";
import { serviceAccountIssuerOf } from "./service-account-issuer.js";
import { ApiServer } from "./points.js";
import { clusterReaderFor } from "./cluster-reader.js";
import type { ApiServerSettings } from "./settings.js";

export const apiServerComponent = defineComponent<ApiServerSettings, ApiServerHandle>({
  name: "apiserver",
  description: "The Kubernetes REST API over a pluggable storage backend",
  group: "servers",
  points: Object.values(ApiServer),
  settings: settingsSchema as JsonSchema,
  handle: (base, ctx) => ({ ...base, pluginDir: join(base.dataDir, "apiserver"), objects: clusterObjectsOf(ctx), cluster: clusterReaderFor(ctx), serviceAccountTokens: serviceAccountIssuerOf(ctx) }),
  create: async (ctx) => {
    const { ApiServerMain } = await import("./server.js");
    return new ApiServerMain(ctx);
  },
});
