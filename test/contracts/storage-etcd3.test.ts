import { afterAll, describe } from "vitest";
import etcd3 from "../../plugins/apiserver/storage/etcd3/index.js";
import type { Storage } from "../../core/apiserver/storage.js";
import { validateAgainst } from "../../core/kernel/validate-args.js";
import { runStorageContract } from "./storage.contract.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";
import { tempDir } from "../support/temp.js";
import { etcdAvailable, startEtcd, type EtcdMember } from "../support/etcd.js";

if (etcdAvailable()) {
  // One member for the file; each test gets a fresh key prefix, so it starts on an empty keyspace.
  let member: Promise<EtcdMember> | undefined;
  let tests = 0;
  afterAll(async () => {
    await (await member)?.stop();
  });

  runStorageContract("etcd3", async () => {
    const m = await (member ??= startEtcd());
    const args = { endpoints: [m.endpoint], prefix: `/contract-${++tests}`, compactionIntervalSeconds: 0, watchProgressIntervalMs: 20 };
    if (validateAgainst(etcd3.args!, args).length) throw new Error("etcd3 args do not validate");
    const open = async () => {
      const s = await etcd3.create(args as Parameters<typeof etcd3.create>[0], fakeApiServerHandle(tempDir("kitbash-etcd3-")));
      await s.start?.(new AbortController().signal);
      return s;
    };
    let store: Storage = await open();
    return {
      store,
      // The data lives in etcd: a new client on the same prefix is a restart of the API server's store.
      reopen: async () => {
        await store.stop?.();
        store = await open();
        return store;
      },
      cleanup: async () => void (await store.stop?.()),
    };
  });
} else {
  describe.skip("storage contract: etcd3 (etcd is not installed)", () => undefined);
}
