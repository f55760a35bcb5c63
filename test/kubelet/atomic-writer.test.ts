import { describe, expect, it } from "vitest";
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeAtomically } from "../../core/kubelet/atomic-writer.js";
import { filesSignature, projectKeys } from "../../core/kubelet/volume-files.js";
import { tempDir } from "../support/temp.js";

const files = (m: Record<string, string>, mode = 0o644) => new Map(Object.entries(m).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe("atomic volume writes", () => {
  it("puts files behind ..data and swaps the whole set on a change", async () => {
    const dir = tempDir();
    const first = files({ a: "1", "sub/b": "2" });
    expect(await writeAtomically(dir, first, filesSignature(first))).toBe(true);
    expect(readFileSync(join(dir, "a"), "utf8")).toBe("1");
    expect(readFileSync(join(dir, "sub", "b"), "utf8")).toBe("2");
    expect(lstatSync(join(dir, "a")).isSymbolicLink()).toBe(true);
    const oldTarget = readlinkSync(join(dir, "..data"));

    const second = files({ a: "changed" });
    expect(await writeAtomically(dir, second, filesSignature(second))).toBe(true);
    expect(readFileSync(join(dir, "a"), "utf8")).toBe("changed");
    expect(readlinkSync(join(dir, "..data"))).not.toBe(oldTarget);
    // The old set and names no longer projected are gone.
    expect(readdirSync(dir).sort()).toEqual(["..data", readlinkSync(join(dir, "..data")), "a"].sort());
  });

  it("leaves an unchanged set alone", async () => {
    const dir = tempDir();
    const set = files({ a: "1" });
    await writeAtomically(dir, set, filesSignature(set));
    const target = readlinkSync(join(dir, "..data"));
    expect(await writeAtomically(dir, files({ a: "1" }), filesSignature(files({ a: "1" })))).toBe(false);
    expect(readlinkSync(join(dir, "..data"))).toBe(target);
  });

  it("writes each file with its mode", async () => {
    const dir = tempDir();
    const set = files({ key: "x" }, 0o600);
    await writeAtomically(dir, set, filesSignature(set));
    expect(statSync(join(dir, "key")).mode & 0o777).toBe(0o600);
  });
});

describe("projectKeys", () => {
  const data = { a: Buffer.from("1"), b: Buffer.from("2") };
  it("projects every key, or only items to their paths and modes", () => {
    expect([...projectKeys(data, undefined, 0o644, "cm x", false).keys()]).toEqual(["a", "b"]);
    const only = projectKeys(data, [{ key: "b", path: "dir/bee", mode: 0o400 }], 0o644, "cm x", false);
    expect([...only]).toEqual([["dir/bee", { data: Buffer.from("2"), mode: 0o400 }]]);
  });

  it("refuses a missing key unless optional, and paths that climb out", () => {
    expect(() => projectKeys(data, [{ key: "c", path: "c" }], 0o644, "configmap x", false)).toThrow(/configmap x has no key c/);
    expect(projectKeys(data, [{ key: "c", path: "c" }], 0o644, "configmap x", true).size).toBe(0);
    expect(() => projectKeys(data, [{ key: "a", path: "../a" }], 0o644, "configmap x", false)).toThrow(/must be relative/);
  });
});
