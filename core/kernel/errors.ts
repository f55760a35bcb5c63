/**
 * Every error the kernel raises has one home here, with a stable KB_ERR_* code so that
 * tools and tests can match on the code instead of on wording.
 */
export const ErrorCodes = {
  CONFIG: "KB_ERR_CONFIG",
  PROFILE_NOT_FOUND: "KB_ERR_PROFILE_NOT_FOUND",
  UNKNOWN_PLUGIN: "KB_ERR_UNKNOWN_PLUGIN",
  UNKNOWN_POINT: "KB_ERR_UNKNOWN_POINT",
  UNKNOWN_COMPONENT: "KB_ERR_UNKNOWN_COMPONENT",
  DUPLICATE_PLUGIN: "KB_ERR_DUPLICATE_PLUGIN",
  DUPLICATE_POINT: "KB_ERR_DUPLICATE_POINT",
  WRONG_POINT: "KB_ERR_WRONG_POINT",
  SINGLE_POINT: "KB_ERR_SINGLE_POINT",
  PLUGIN_ARGS: "KB_ERR_PLUGIN_ARGS",
  PLUGIN_CREATE: "KB_ERR_PLUGIN_CREATE",
  PLUGIN_SHAPE: "KB_ERR_PLUGIN_SHAPE",
  PACKAGE: "KB_ERR_PACKAGE",
  LIFECYCLE: "KB_ERR_LIFECYCLE",
  SEALED: "KB_ERR_SEALED",
  USAGE: "KB_ERR_USAGE",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Where in a source file a problem sits; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface KitbashErrorOptions {
  /** Dotted field path inside the profile, e.g. `components.scheduler.plugins.filter.enabled[0].name`. */
  field?: string;
  location?: SourceLocation;
  plugin?: string;
  hint?: string;
  cause?: unknown;
}

export class KitbashError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly location?: SourceLocation;
  readonly plugin?: string;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: KitbashErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "KitbashError";
    this.code = code;
    this.field = opts.field;
    this.location = opts.location;
    this.plugin = opts.plugin;
    this.hint = opts.hint;
  }

  /** `file:line:column: field: message (hint)`, the one format every CLI error uses. */
  format(): string {
    const parts: string[] = [];
    if (this.location) {
      const { file, line, column } = this.location;
      parts.push(line ? `${file}:${line}:${column ?? 1}` : file);
    }
    if (this.field) parts.push(this.field);
    if (this.plugin && !this.message.includes(this.plugin)) parts.push(`plugin ${this.plugin}`);
    let text = `${parts.length ? parts.join(": ") + ": " : ""}${this.message}`;
    if (this.hint) text += ` (${this.hint})`;
    return text;
  }
}

/** Several configuration problems found in one pass; the kernel reports them all at once. */
export class KitbashAggregateError extends AggregateError {
  readonly code = ErrorCodes.CONFIG;
  constructor(readonly problems: KitbashError[], message = `${problems.length} configuration problem(s)`) {
    super(problems, message);
    this.name = "KitbashAggregateError";
  }
  format(): string {
    return this.problems.map((p) => p.format()).join("\n");
  }
}

/** Throws the collected problems, one alone or several together. */
export function throwProblems(problems: KitbashError[]): void {
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new KitbashAggregateError(problems);
}

/** Attaches a plugin's name to an error raised inside it, keeping the original as cause. */
export function wrapPluginError(plugin: string, what: string, err: unknown): KitbashError {
  const msg = err instanceof Error ? err.message : String(err);
  return new KitbashError(ErrorCodes.PLUGIN_CREATE, `${what} failed in plugin ${plugin}: ${msg}`, { plugin, cause: err });
}

export function isConfigError(err: unknown): err is KitbashError | KitbashAggregateError {
  return err instanceof KitbashAggregateError || (err instanceof KitbashError && err.code !== ErrorCodes.LIFECYCLE);
}
