import type { BaseHandle } from "../kernel/component.js";

/** What kubelet plugins get: the kernel's scoped logger, metrics and data folder. */
export type KubeletHandle = BaseHandle;
