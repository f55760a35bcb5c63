import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Readable } from "node:stream";

/** Longest line written whole; a longer one goes out in `P` (partial) pieces, as containerd cuts them. */
const MAX_LINE = 16 * 1024;

/**
 * Writes a container's output in the CRI log format the kubelet reads:
 * `<RFC3339Nano> <stdout|stderr> <P|F> <text>` per line.
 */
export class CriLogWriter {
  private fd: number;
  private open = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a");
  }

  /**
   * Follows one stream until it ends; the log closes when every followed stream has. Lines
   * `drop` matches are not the container's (a wrapper's diagnostics): they are handed to
   * `onDropped` instead of the log.
   */
  follow(stream: Readable, name: "stdout" | "stderr", drop?: RegExp, onDropped?: (line: string) => void): void {
    this.open++;
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (drop?.test(line)) onDropped?.(line);
        else this.line(name, "F", line);
      }
      while (pending.length > MAX_LINE) {
        this.line(name, "P", pending.slice(0, MAX_LINE));
        pending = pending.slice(MAX_LINE);
      }
    });
    stream.on("end", () => {
      if (pending && drop?.test(pending)) onDropped?.(pending);
      else if (pending) this.line(name, "F", pending);
      if (--this.open === 0) this.close();
    });
  }

  /** The kubelet's ReopenContainerLog: after the file was rotated away, write to a new one. */
  reopen(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = openSync(this.path, "a");
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private line(stream: string, tag: "P" | "F", text: string): void {
    if (this.fd < 0) return;
    writeSync(this.fd, `${rfc3339Nano()} ${stream} ${tag} ${text}\n`);
  }
}

/** Now as RFC 3339 with nanoseconds (the clock gives microseconds; the rest are zeros). */
export function rfc3339Nano(ms = Date.now(), extraNs = Number(process.hrtime.bigint() % 1_000_000n)): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${String(extraNs).padStart(6, "0")}Z`;
}
