import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sqlite from "../../plugins/apiserver/storage/sqlite/index.js";
import type { Storage } from "../../core/apiserver/storage.js";
import { runStorageContract } from "./storage.contract.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";

runStorageContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-sqlite-"));
  const open = async () => {
    const s = await sqlite.create({ compactionIntervalSeconds: 0, compactionKeepRevisions: 0, synchronous: "FULL" }, fakeApiServerHandle(dir));
    await s.start?.(new AbortController().signal);
    return s;
  };
  let store: Storage = await open();
  return {
    store,
    reopen: async () => {
      await store.stop?.();
      store = await open();
      return store;
    },
    cleanup: async () => {
      await store.stop?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
