import sqlite from "../../plugins/apiserver/storage/sqlite/index.js";
import type { Storage } from "../../core/apiserver/storage.js";
import { validateAgainst } from "../../core/kernel/validate-args.js";
import { runStorageContract } from "./storage.contract.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";
import { tempDir } from "../support/temp.js";

runStorageContract("sqlite", async () => {
  const dir = tempDir("kitbash-sqlite-");
  // The kernel's path: the schema fills in defaults, then create.
  const args = { compactionIntervalSeconds: 0, watchProgressIntervalMs: 20 };
  if (validateAgainst(sqlite.args!, args).length) throw new Error("sqlite args do not validate");
  const open = async () => {
    const s = await sqlite.create(args as Parameters<typeof sqlite.create>[0], fakeApiServerHandle(dir));
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
    // tempDir removes the folder after the test.
    cleanup: async () => void (await store.stop?.()),
  };
});
