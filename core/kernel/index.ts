/** The kernel's public entry: what components and plugin packages build on. */
export { definePlugin, isPluginManifest, type PluginManifest } from "./define-plugin.js";
export { definePoint, type ExtensionPoint, type PluginEntry, type PointKind, type PointOptions } from "./extension-point.js";
export { defineComponent, StartGroup, type BaseHandle, type Component, type ComponentContext, type ComponentDefinition, type ConfigAdapter, type ConfigProblem, type PluginCatalog } from "./component.js";
export { token, kernelServices, type Token } from "./tokens.js";
export { Registry } from "./registry.js";
export { Kernel, type KernelOptions } from "./kernel.js";
export { Lifecycle, stopOnSignals, type Startable } from "./lifecycle.js";
export { KitbashError, KitbashAggregateError, ErrorCodes, type ErrorCode } from "./errors.js";
export { createRootLogger, silentLogger, type Logger } from "./logging.js";
export { MetricsScope, createRootMetrics } from "./metrics.js";
export type { Plan, PlannedComponent, PlannedPoint, PlannedPlugin } from "./plan.js";
export type { JsonSchema } from "./json-schema.js";
export { PACKAGE_MARKER } from "./packages.js";
