import type { ComponentDefinition } from "../core/kernel/component.js";
import { apiServerComponent } from "../core/apiserver/component.js";
import { controllerManagerComponent } from "../core/controller-manager/component.js";
import { schedulerComponent } from "../core/scheduler/component.js";
import { etcdComponent } from "../core/etcd/component.js";
import { addonsComponent } from "../core/addons/component.js";
import { runtimeComponent } from "../core/runtime/component.js";
import { kubeletComponent } from "../core/kubelet/component.js";
import { nodeComponent } from "../core/node/component.js";
import { proxyComponent } from "../core/proxy/component.js";

/** Components a Kitbash binary carries; a profile enables them. */
export const builtinComponents: readonly ComponentDefinition<any, any>[] = [
  etcdComponent,
  apiServerComponent,
  controllerManagerComponent,
  schedulerComponent,
  addonsComponent,
  runtimeComponent,
  kubeletComponent,
  nodeComponent,
  proxyComponent,
];
