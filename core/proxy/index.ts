export { Proxy } from "./points.js";
export type { ProxyMode, SyncResult } from "./mode.js";
export type { ProxyHandle } from "./handle.js";
export { familyOf, usableEndpoints, type Endpoint, type IpFamily, type Protocol, type ProxyModel, type ServicePort } from "./model.js";
export { CommandError, commandRunner, type CommandResult, type CommandRunner } from "./exec.js";
export { ChangeTracker, type EndpointSliceObject, type ServiceObject } from "./change-tracker.js";
