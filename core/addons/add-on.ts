/**
 * What an add-on plugin is to the add-ons component: a service that runs for as long as the
 * component does. `run` resolves once it serves (listeners bound, caches synced) and keeps
 * serving until `signal` aborts; `stopped` resolves when it has let go of everything.
 */
export interface AddOn {
  run(signal: AbortSignal): Promise<void>;
  stopped?(): Promise<void>;
  /** Lines `kitbash up` prints once it is ready (where the add-on listens). */
  banner?(): string[];
}
