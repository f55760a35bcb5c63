import type { BaseHandle } from "../kernel/component.js";
import type { CommandRunner } from "./exec.js";

/** What a mode plugin receives: a runner for the packet-filter tools, in the proxy's network namespace. */
export interface ProxyHandle extends BaseHandle {
  readonly exec: CommandRunner;
}
