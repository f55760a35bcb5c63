import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import memory from "../../plugins/apiserver/storage/memory/index.js";
import type { Storage } from "../../core/apiserver/storage.js";
import { backupStorage, restoreStorage, verifyBackup, BackupFileError, RestoreRefused } from "../../core/apiserver/storage-backup.js";
import { fakeApiServerHandle } from "../support/fake-handle.js";
import { tempDir } from "../support/temp.js";

async function memoryStore(): Promise<Storage> {
  const args = { compactionIntervalSeconds: 0, compactionKeepRevisions: 0, watchProgressIntervalMs: 0 };
  const s = await memory.create(args as Parameters<typeof memory.create>[0], fakeApiServerHandle(tempDir()));
  await s.start?.(new AbortController().signal);
  return s;
}

const object = (i: number) => JSON.stringify({ metadata: { name: `o${i}`, uid: `uid-${i}`, creationTimestamp: "2026-01-02T03:04:05Z" }, data: { text: "ünïcödé \"quoted\"\nline" } });

describe("storage backup and restore", () => {
  it("writes every key at one revision while writes go on between its pages, and restores the values byte for byte", async () => {
    const source = await memoryStore();
    for (let i = 0; i < 1200; i++) await source.create(`/registry/things/${String(i).padStart(4, "0")}`, object(i));
    const expected = await source.list("");
    // Writes landing between the backup's pages must not show up in it.
    let churned = 0;
    const churning: Storage = Object.create(source, {
      list: {
        value: async (prefix: string, opts: Parameters<Storage["list"]>[1]) => {
          if (opts?.after) {
            await source.delete(`/registry/things/${String(churned * 7).padStart(4, "0")}`);
            await source.create(`/registry/zzz/${churned++}`, "{}");
          }
          return source.list(prefix, opts);
        },
      },
    });
    const summary = await backupStorage(churning, "memory", join(tempDir(), "b.jsonl"));
    expect(churned).toBe(2);
    expect(summary).toMatchObject({ source: "memory", revision: expected.revision, count: 1200 });
    const target = await memoryStore();
    expect(await restoreStorage(target, summary.file)).toMatchObject({ count: 1200, revision: expected.revision });
    const restored = await target.list("");
    expect(restored.kvs.map((kv) => [kv.key, kv.value])).toEqual(expected.kvs.map((kv) => [kv.key, kv.value]));
  });

  it("leaves no file behind when the store fails mid-way", async () => {
    const dir = tempDir();
    const s = await memoryStore();
    await s.create("/a", "{}");
    await s.stop?.();
    await expect(backupStorage(s, "memory", join(dir, "b.jsonl"))).rejects.toMatchObject({ reason: "unavailable" });
    expect(existsSync(join(dir, "b.jsonl"))).toBe(false);
    expect(existsSync(join(dir, "b.jsonl.partial"))).toBe(false);
  });

  describe("refuses, naming the file, and writes nothing", () => {
    async function backupFile(): Promise<string> {
      const s = await memoryStore();
      for (let i = 0; i < 5; i++) await s.create(`/k/${i}`, object(i));
      return (await backupStorage(s, "memory", join(tempDir(), "b.jsonl"))).file;
    }
    const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

    it("a truncated file", async () => {
      const file = await backupFile();
      writeFileSync(file, lines(file).slice(0, -2).join("\n") + "\n");
      const target = await memoryStore();
      const err = await restoreStorage(target, file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupFileError);
      expect((err as Error).message).toBe(`${file}: truncated: no end line after 4 entries`);
      expect(await target.count("")).toBe(0);
    });

    it("a changed byte (checksum)", async () => {
      const file = await backupFile();
      writeFileSync(file, readFileSync(file, "utf8").replace("uid-3", "uid-9"));
      await expect(verifyBackup(file)).rejects.toThrow(`${file}: checksum mismatch`);
    });

    it("a damaged line, with its number", async () => {
      const file = await backupFile();
      const l = lines(file);
      l[3] = l[3]!.slice(0, 20);
      writeFileSync(file, l.join("\n") + "\n");
      await expect(verifyBackup(file)).rejects.toThrow(`${file}:4: not a JSON object line; the file is damaged`);
    });

    it("a file that is not a backup, a newer format and a missing file", async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "x"), "hello\n");
      await expect(verifyBackup(join(dir, "x"))).rejects.toThrow(`${join(dir, "x")}:1: not a Kitbash backup`);
      writeFileSync(join(dir, "v9"), JSON.stringify({ format: "kitbash-backup", formatVersion: 9, source: "x", revision: 1 }) + "\n");
      await expect(verifyBackup(join(dir, "v9"))).rejects.toThrow("backup format version 9 is newer than this Kitbash reads (up to 1)");
      await expect(verifyBackup(join(dir, "nope"))).rejects.toThrow(`${join(dir, "nope")}: no such file`);
    });

    it("a target store that is not empty", async () => {
      const file = await backupFile();
      const target = await memoryStore();
      await target.create("/already", "{}");
      const err = await restoreStorage(target, file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RestoreRefused);
      expect((err as Error).message).toMatch(/not empty \(it holds 1 keys\)/);
      expect(await target.count("")).toBe(1);
    });
  });
});
