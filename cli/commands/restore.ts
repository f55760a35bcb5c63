import { resolve } from "node:path";
import { restoreStorage, verifyBackup } from "../../core/apiserver/storage-backup.js";
import { Exit } from "../exit-codes.js";
import type { ProfileOptions } from "../load-profile.js";
import { openProfileStorage } from "../open-storage.js";
import { reportStorageCommandError } from "./storage-command-errors.js";

export interface RestoreOptions extends ProfileOptions {
  /** Required by the command line. */
  file?: string;
}

/** Loads a backup file into the profile's store, which must be empty. */
export default async function restore(opts: RestoreOptions): Promise<number> {
  let opened;
  try {
    const file = resolve(opts.file!);
    // A damaged file is refused before the target store is even opened.
    await verifyBackup(file);
    opened = await openProfileStorage(opts);
    const summary = await restoreStorage(opened.storage, file);
    process.stdout.write(`restored ${summary.count} keys from ${summary.file} (${summary.source} at revision ${summary.revision}) into ${opened.describe}\n`);
    return Exit.ok;
  } catch (err) {
    return reportStorageCommandError(err);
  } finally {
    await opened?.close().catch(() => undefined);
  }
}
