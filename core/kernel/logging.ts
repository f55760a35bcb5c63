import { pino, type Logger as PinoLogger, type LevelWithSilent } from "pino";

export type Logger = PinoLogger;

export interface LoggingOptions {
  level?: LevelWithSilent;
  /** A writable destination; defaults to stderr so stdout stays for command output. */
  destination?: NodeJS.WritableStream;
}

export function createRootLogger(opts: LoggingOptions = {}): Logger {
  const level = opts.level ?? ((process.env.KITBASH_LOG_LEVEL as LevelWithSilent | undefined) ?? "info");
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, (opts.destination ?? process.stderr) as any);
}

/** Children carry their scope as bindings, so every line says which component and plugin spoke. */
export function componentLogger(root: Logger, component: string): Logger {
  return root.child({ component });
}

export function pluginLogger(componentLog: Logger, plugin: string): Logger {
  return componentLog.child({ plugin });
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
