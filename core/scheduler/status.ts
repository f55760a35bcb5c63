/** Upstream's status codes; a plugin's expected outcomes are values, not exceptions. */
export enum Code {
  Success = 0,
  Error = 1,
  Unschedulable = 2,
  UnschedulableAndUnresolvable = 3,
  Wait = 4,
  Skip = 5,
  Pending = 6,
}

export class Status {
  /** The plugin that returned it; the framework fills it in. */
  plugin?: string;

  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    readonly error?: Error,
  ) {}

  static success(): Status {
    return SUCCESS;
  }
  static error(err: Error | string): Status {
    const e = typeof err === "string" ? new Error(err) : err;
    return new Status(Code.Error, [e.message], e);
  }
  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static skip(): Status {
    return SKIP;
  }
  static wait(...reasons: string[]): Status {
    return new Status(Code.Wait, reasons);
  }
  static pending(...reasons: string[]): Status {
    return new Status(Code.Pending, reasons);
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  isSkip(): boolean {
    return this.code === Code.Skip;
  }
  isWait(): boolean {
    return this.code === Code.Wait;
  }
  /** Unschedulable, UnschedulableAndUnresolvable and Pending: the pod does not fit (yet). */
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

const SUCCESS = Object.freeze(new Status(Code.Success)) as Status;
const SKIP = Object.freeze(new Status(Code.Skip)) as Status;

/** A missing status counts as Success, as a nil *Status does upstream. */
export type MaybeStatus = Status | undefined | void;
export const isOk = (s: MaybeStatus): boolean => !s || s.code === Code.Success;

/**
 * A status from a plugin package that has no runtime import of Kitbash: plain
 * `{ code, reasons }` with the code as a number or its name ("Unschedulable").
 */
export interface PlainStatus {
  code: Code | keyof typeof Code;
  reasons?: string[];
}

export function toStatus<T>(out: T): T | Status {
  if (!out || typeof out !== "object" || out instanceof Status || !("code" in out)) return out;
  const plain = out as unknown as PlainStatus;
  const code = typeof plain.code === "string" ? Code[plain.code] : plain.code;
  if (code === undefined || Code[code] === undefined) return Status.error(`a plugin returned an unknown status code ${String(plain.code)}`);
  return code === Code.Success ? Status.success() : new Status(code, plain.reasons ?? []);
}
