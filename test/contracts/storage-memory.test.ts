import memory from "../../plugins/apiserver/storage/memory/index.js";
import { runStorageContract } from "./storage.contract.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";

runStorageContract("memory", async () => {
  const store = await memory.create({ compactionIntervalSeconds: 0, compactionKeepRevisions: 0 }, fakeApiServerHandle("/nonexistent"));
  await store.start?.(new AbortController().signal);
  return { store, cleanup: async () => void (await store.stop?.()) };
});
