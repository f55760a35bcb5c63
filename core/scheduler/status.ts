/**
 * A plugin's answer, with upstream's codes. `undefined` from a plugin means
 * Success, as a nil Status does upstream.
 */
export enum Code {
  Success = "Success",
  Error = "Error",
  Unschedulable = "Unschedulable",
  UnschedulableAndUnresolvable = "UnschedulableAndUnresolvable",
  Wait = "Wait",
  Skip = "Skip",
  Pending = "Pending",
}

export class Status {
  /** The plugin that produced this status; set by the framework. */
  plugin?: string;
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    readonly error?: Error,
  ) {}

  static success(): Status {
    return SUCCESS;
  }
  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static error(err: unknown): Status {
    const e = err instanceof Error ? err : new Error(String(err));
    return new Status(Code.Error, [e.message], e);
  }
  static skip(): Status {
    return SKIP;
  }
  static wait(): Status {
    return new Status(Code.Wait);
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  /** Unschedulable, UnschedulableAndUnresolvable and Pending, as upstream's IsRejected. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }
  message(): string {
    return this.reasons.join(", ");
  }
  withPlugin(name: string): Status {
    if (this === SUCCESS || this === SKIP) return this;
    this.plugin ??= name;
    return this;
  }
}

const SUCCESS = new Status(Code.Success);
const SKIP = new Status(Code.Skip);

/** Treats a plugin's `undefined` as Success. */
export const asStatus = (s: Status | undefined | void): Status => s ?? SUCCESS;
