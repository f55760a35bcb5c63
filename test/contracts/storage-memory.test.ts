import memory from "../../plugins/apiserver/storage/memory/index.js";
import { validateAgainst } from "../../core/kernel/validate-args.js";
import { runStorageContract } from "./storage.contract.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";

runStorageContract("memory", async () => {
  // The kernel's path: the schema fills in defaults, then create.
  const args = { compactionIntervalSeconds: 0, watchProgressIntervalMs: 20 };
  if (validateAgainst(memory.args!, args).length) throw new Error("memory args do not validate");
  const store = await memory.create(args as Parameters<typeof memory.create>[0], fakeApiServerHandle("/nonexistent"));
  await store.start?.(new AbortController().signal);
  return { store, cleanup: async () => void (await store.stop?.()) };
});
