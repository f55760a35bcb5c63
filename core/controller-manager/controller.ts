/**
 * What a controller plugin is to the controller manager: something that reconciles while this
 * instance leads. `run` is called each time leadership is won and must return soon after
 * `signal` aborts (leadership lost or the process stopping), having stopped its workers; it may
 * be called again on a later term, so it builds its queues and informers inside `run`.
 */
export interface Controller {
  run(signal: AbortSignal): Promise<void>;
  /** Other names `--controllers` accepts for it (upstream's `namespace-controller` for `namespace`). */
  readonly aliases?: readonly string[];
  /** Left out of `*` unless named, as upstream's bootstrapsigner and tokencleaner are. */
  readonly disabledByDefault?: boolean;
}
