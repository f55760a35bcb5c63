import { resolve } from "node:path";
import { backupStorage } from "../../core/apiserver/storage-backup.js";
import { Exit } from "../exit-codes.js";
import type { ProfileOptions } from "../load-profile.js";
import { openProfileStorage } from "../open-storage.js";
import { reportStorageCommandError } from "./storage-command-errors.js";

export interface BackupOptions extends ProfileOptions {
  /** Required by the command line. */
  out?: string;
}

/** Writes every key of the profile's store, at one revision, to a backup file. */
export default async function backup(opts: BackupOptions): Promise<number> {
  let opened;
  try {
    opened = await openProfileStorage(opts);
    const summary = await backupStorage(opened.storage, opened.plugin, resolve(opts.out!));
    process.stdout.write(`backed up ${summary.count} keys of ${opened.describe} at revision ${summary.revision} to ${summary.file}\n`);
    return Exit.ok;
  } catch (err) {
    return reportStorageCommandError(err);
  } finally {
    await opened?.close().catch(() => undefined);
  }
}
