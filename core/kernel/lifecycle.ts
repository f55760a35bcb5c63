import { ErrorCodes, KitbashError } from "./errors.js";
import type { Logger } from "./logging.js";

export interface Startable {
  start?(signal: AbortSignal): Promise<void> | void;
  stop?(): Promise<void> | void;
}

interface Entry {
  name: string;
  group: number;
  target: Startable;
  started: boolean;
}

/**
 * Starts registered runnables group by group (lower first, registration order
 * within a group) and stops them last-in first-out, each under a timeout, going
 * on past failures. Stop is idempotent.
 */
export class Lifecycle {
  private readonly entries: Entry[] = [];
  private readonly startedOrder: Entry[] = [];
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly stopTimeoutMs = 10_000,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  add(name: string, group: number, target: Startable): void {
    if (this.stopping) throw new KitbashError(ErrorCodes.LIFECYCLE, `cannot add ${name}: stopping`);
    this.entries.push({ name, group, target, started: false });
  }

  /** Starts everything not yet started, in group order. */
  async start(): Promise<void> {
    const pending = this.entries.filter((e) => !e.started).sort((a, b) => a.group - b.group);
    for (const e of pending) {
      if (this.abort.signal.aborted) return;
      e.started = true;
      this.startedOrder.push(e);
      try {
        await e.target.start?.(this.abort.signal);
      } catch (err) {
        throw new KitbashError(ErrorCodes.LIFECYCLE, `${e.name} failed to start: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Names of what is started and not yet stopped; the leak check in tests reads it. */
  running(): string[] {
    return this.startedOrder.map((e) => e.name);
  }

  private async stopAll(): Promise<void> {
    this.abort.abort();
    while (this.startedOrder.length) {
      const e = this.startedOrder.pop()!;
      if (!e.target.stop) continue;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve(e.target.stop()),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not stop within ${this.stopTimeoutMs} ms`)), this.stopTimeoutMs);
          }),
        ]);
      } catch (err) {
        this.logger.error({ runnable: e.name, err: (err as Error).message }, "stop failed; going on");
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** Stops the lifecycle on SIGINT/SIGTERM; a second signal exits at once. */
export function stopOnSignals(lifecycle: Lifecycle, logger: Logger, onDone: (code: number) => void): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count > 1) return onDone(1);
    logger.info({ signal: sig }, "stopping");
    lifecycle.stop().then(() => onDone(0), () => onDone(1));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
