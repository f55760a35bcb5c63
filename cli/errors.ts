import { KitbashAggregateError, KitbashError } from "../core/kernel/errors.js";
import { Exit } from "./exit-codes.js";

/** Prints an error the way every command does and returns the exit code it deserves. */
export function reportError(err: unknown, stream: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof KitbashAggregateError) {
    stream.write(`error: ${err.problems.length} problems\n${err.format().replace(/^/gm, "  ")}\n`);
    return Exit.usage;
  }
  if (err instanceof KitbashError) {
    stream.write(`error: ${err.format()}\n`);
    return err.code === "KB_ERR_LIFECYCLE" || err.code === "KB_ERR_PLUGIN_CREATE" ? Exit.runtime : Exit.usage;
  }
  stream.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return Exit.runtime;
}
