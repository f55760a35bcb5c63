import { token, type Token } from "./tokens.js";

/**
 * single  - exactly one plugin (storage backend, CRI runtime, proxy mode, bind)
 * ordered - a chain run in profile order (authenticators, admission, filter, score)
 * set     - every enabled plugin, order irrelevant (controllers, volumes, probes)
 */
export type PointKind = "single" | "ordered" | "set";

export interface ExtensionPoint<T> {
  /** `<component>.<point>`, e.g. `scheduler.filter`. */
  readonly id: string;
  readonly component: string;
  /** The key under `components.<component>.plugins` in a profile. */
  readonly name: string;
  readonly kind: PointKind;
  readonly description: string;
  /** Score-like points carry a weight per plugin. */
  readonly weighted: boolean;
  /** Methods a plugin instance must have to serve this point; checked when it is built. */
  readonly methods: readonly string[];
  /** Token under which the point's frozen PluginEntry list is registered. */
  readonly token: Token<readonly PluginEntry<T>[]>;
}

/** One plugin in place at a point: its name, weight and the live instance. */
export interface PluginEntry<T> {
  readonly name: string;
  readonly weight: number;
  readonly instance: T;
}

export interface PointOptions {
  id: string;
  kind: PointKind;
  description: string;
  weighted?: boolean;
  methods?: readonly string[];
}

const ID = /^[a-z][a-zA-Z0-9-]*\.[a-z][a-zA-Z0-9]*$/;

export function definePoint<T>(opts: PointOptions): ExtensionPoint<T> {
  if (!ID.test(opts.id)) throw new Error(`extension point id "${opts.id}" must read <component>.<point>`);
  const [component, name] = opts.id.split(".") as [string, string];
  return Object.freeze({
    id: opts.id,
    component,
    name,
    kind: opts.kind,
    description: opts.description,
    weighted: opts.weighted ?? false,
    methods: Object.freeze([...(opts.methods ?? [])]),
    token: token<readonly PluginEntry<T>[]>(`point.${opts.id}`),
  });
}
