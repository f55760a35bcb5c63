import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { CriLogParser, streamContainerLog } from "../../core/kubelet/container-logs.js";
import { tempDir } from "../support/temp.js";

const LOG = [
  "2026-01-01T00:00:00.000000001Z stdout F one",
  "2026-01-01T00:00:01.000000001Z stderr P tw",
  "2026-01-01T00:00:01.500000001Z stderr F o",
  "2026-01-01T00:00:02.000000001Z stdout F three",
  "",
].join("\n");

async function read(opts: Parameters<typeof streamContainerLog>[1]): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, "0.log"), LOG);
  const out = new PassThrough();
  let text = "";
  out.on("data", (d) => (text += d));
  await streamContainerLog(join(dir, "0.log"), opts, out, async () => false, new AbortController().signal);
  return text;
}

describe("container logs", () => {
  it("joins partial lines and keeps both streams in order", async () => {
    expect(await read({ follow: false, timestamps: false })).toBe("one\ntwo\nthree\n");
  });

  it("tails, prefixes timestamps and limits bytes", async () => {
    expect(await read({ follow: false, timestamps: false, tailLines: 2 })).toBe("two\nthree\n");
    expect(await read({ follow: false, timestamps: true, tailLines: 1 })).toBe("2026-01-01T00:00:02.000000001Z three\n");
    expect(await read({ follow: false, timestamps: false, limitBytes: 6 })).toBe("one\ntw");
  });

  it("holds back a line until its newline arrives", () => {
    const p = new CriLogParser();
    expect(p.push("2026-01-01T00:00:00Z stdout F ha")).toEqual([]);
    expect(p.push("lf\n")).toEqual([{ time: "2026-01-01T00:00:00Z", content: "half\n" }]);
  });
});
