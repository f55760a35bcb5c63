import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import sqlite from "../../../../plugins/apiserver/storage/sqlite/index.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import { packageRoot } from "../../../../core/kernel/package-root.js";
import { validateAgainst } from "../../../../core/kernel/validate-args.js";
import { fakeApiServerHandle } from "../../../support/fake-handle.js";
import { tempDir } from "../../../support/temp.js";

describe("sqlite storage plugin", () => {
  it("serves the point its folder is under", () => {
    expect(sqlite.name).toBe("sqlite");
    expect(sqlite.serves).toContain(ApiServer.storage);
  });

  it("carries the args schema file, draft-07 and closed", () => {
    const file = JSON.parse(readFileSync(join(packageRoot(), "schemas/plugins/apiserver/sqlite.args.schema.json"), "utf8"));
    expect(sqlite.args).toEqual(file);
    expect(file.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(file.additionalProperties).toBe(false);
  });

  it("fills in upstream's defaults for empty args", () => {
    const args = {};
    expect(validateAgainst(sqlite.args!, args)).toEqual([]);
    expect(args).toEqual({ compactionIntervalSeconds: 300, compactionKeepRevisions: 1000, busyTimeoutMs: 5000, watchProgressIntervalMs: 5000 });
  });

  it.each([
    [{ compactionIntervalSeconds: "soon" }, ["compactionIntervalSeconds"]],
    [{ compactionKeepRevisions: -1 }, ["compactionKeepRevisions"]],
    [{ path: "" }, ["path"]],
    [{ synchronous: "OFF" }, ["synchronous"]],
  ])("refuses %j", (args, path) => {
    expect(validateAgainst(sqlite.args!, args).map((p) => p.path)).toEqual([path]);
  });

  it("keeps the file at state.db in the data dir, or at args.path taken from the data dir", async () => {
    const dir = tempDir();
    const defaults = { compactionIntervalSeconds: 0, compactionKeepRevisions: 0, busyTimeoutMs: 0, watchProgressIntervalMs: 0 };
    const byDefault = (await sqlite.create(defaults, fakeApiServerHandle(dir))) as unknown as { file: string };
    expect(byDefault.file).toBe(join(dir, "state.db"));
    const relative = (await sqlite.create({ ...defaults, path: "db/kitbash.db" }, fakeApiServerHandle(dir))) as unknown as { file: string };
    expect(relative.file).toBe(join(dir, "db", "kitbash.db"));
    const absolute = (await sqlite.create({ ...defaults, path: "/var/lib/k.db" }, fakeApiServerHandle(dir))) as unknown as { file: string };
    expect(absolute.file).toBe("/var/lib/k.db");
  });

  it("creates missing folders and refuses a second opener of the same file", async () => {
    const dir = join(tempDir(), "nested", "deeper");
    const args = { compactionIntervalSeconds: 0, compactionKeepRevisions: 0, busyTimeoutMs: 50, watchProgressIntervalMs: 0 };
    const first = await sqlite.create(args, fakeApiServerHandle(dir));
    await first.start!(new AbortController().signal);
    try {
      const second = await sqlite.create(args, fakeApiServerHandle(dir));
      expect(() => second.start!(new AbortController().signal)).toThrow(/locked by another process/);
    } finally {
      await first.stop!();
    }
    const third = await sqlite.create(args, fakeApiServerHandle(dir));
    await third.start!(new AbortController().signal);
    await third.stop!();
  });

  it("compacts periodically to the revision seen one interval earlier, keeping the newest revisions", async () => {
    const dir = tempDir();
    const store = await sqlite.create({ compactionIntervalSeconds: 0.05, compactionKeepRevisions: 2, busyTimeoutMs: 0, watchProgressIntervalMs: 0 }, fakeApiServerHandle(dir));
    await store.start!(new AbortController().signal);
    try {
      for (let i = 0; i < 10; i++) await store.create(`/k/${i}`, "x");
      const seen = await store.currentRevision();
      await expect.poll(() => store.compactedRevision(), { timeout: 2000, interval: 20 }).toBe(seen - 2);
    } finally {
      await store.stop!();
    }
  });
});
