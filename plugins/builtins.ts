import type { PluginManifest } from "../core/kernel/define-plugin.js";
import alwaysAllow from "./apiserver/authorization/always-allow/index.js";
import alwaysDeny from "./apiserver/authorization/always-deny/index.js";
import anonymous from "./apiserver/authentication/anonymous/index.js";
import x509 from "./apiserver/authentication/x509/index.js";
import garbageCollector from "./controller-manager/controllers/garbagecollector/index.js";
import namespaceController from "./controller-manager/controllers/namespace/index.js";
import serviceAccountController from "./controller-manager/controllers/serviceaccount/index.js";
import etcd3 from "./apiserver/storage/etcd3/index.js";
import memory from "./apiserver/storage/memory/index.js";
import sqlite from "./apiserver/storage/sqlite/index.js";

/** Every built-in plugin manifest, sorted by name. Manifests load their implementations lazily. */
export const builtinPlugins: readonly PluginManifest[] = [alwaysAllow, alwaysDeny, anonymous, etcd3, memory, sqlite, x509, garbageCollector, namespaceController, serviceAccountController].sort((a, b) => a.name.localeCompare(b.name));
