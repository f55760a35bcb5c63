import { BackupFileError, RestoreRefused } from "../../core/apiserver/storage-backup.js";
import { StorageError } from "../../core/apiserver/storage.js";
import { reportError } from "../errors.js";
import { Exit } from "../exit-codes.js";

/** Expected failures of backup and restore print one line; anything else goes to the common reporter. */
export function reportStorageCommandError(err: unknown): number {
  if (err instanceof BackupFileError || err instanceof RestoreRefused) {
    process.stderr.write(`error: ${err.message}\n`);
    return Exit.usage;
  }
  if (err instanceof StorageError || (err instanceof Error && /locked by another process/.test(err.message))) {
    process.stderr.write(`error: ${err.message}\n`);
    return Exit.runtime;
  }
  return reportError(err);
}
