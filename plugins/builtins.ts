import type { PluginManifest } from "../core/kernel/define-plugin.js";
import alwaysAllow from "./apiserver/authorization/always-allow/index.js";
import alwaysDeny from "./apiserver/authorization/always-deny/index.js";
import memory from "./apiserver/storage/memory/index.js";
import sqlite from "./apiserver/storage/sqlite/index.js";

/** Every built-in plugin manifest, sorted by name. Manifests load their implementations lazily. */
export const builtinPlugins: readonly PluginManifest[] = [alwaysAllow, alwaysDeny, memory, sqlite].sort((a, b) => a.name.localeCompare(b.name));
