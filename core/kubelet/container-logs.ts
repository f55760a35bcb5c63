import { open, stat } from "node:fs/promises";
import type { Writable } from "node:stream";

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps: boolean;
  sinceSeconds?: number;
  limitBytes?: number;
}

interface Entry {
  time: string;
  content: string;
}

/**
 * Turns CRI log lines (`<RFC3339Nano> <stdout|stderr> <P|F> <content>`) into the container's
 * output, joining partial (`P`) lines, optionally with the timestamp in front as `kubectl logs
 * --timestamps` shows it.
 */
export class CriLogParser {
  private partial = "";
  private rest = "";

  push(chunk: string): Entry[] {
    const text = this.rest + chunk;
    const lines = text.split("\n");
    this.rest = lines.pop() ?? "";
    const out: Entry[] = [];
    for (const line of lines) {
      const m = /^(\S+) (stdout|stderr) (P|F) ?(.*)$/.exec(line);
      if (!m) continue;
      if (m[3] === "P") {
        this.partial += m[4];
        continue;
      }
      out.push({ time: m[1]!, content: this.partial + m[4] + "\n" });
      this.partial = "";
    }
    return out;
  }
}

function render(e: Entry, timestamps: boolean): string {
  return timestamps ? `${e.time} ${e.content}` : e.content;
}

/**
 * Writes a container's log to `out` as the kubelet's /containerLogs does. With `follow`, keeps
 * reading as the file grows until `stillRunning` says the container stopped or `signal` aborts.
 */
export async function streamContainerLog(path: string, opts: LogOptions, out: Writable, stillRunning: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  const parser = new CriLogParser();
  const fh = await open(path, "r");
  let written = 0;
  const since = opts.sinceSeconds ? Date.now() - opts.sinceSeconds * 1000 : undefined;
  const emit = (entries: Entry[]): boolean => {
    for (const e of entries) {
      if (since !== undefined && Date.parse(e.time) < since) continue;
      let text = render(e, opts.timestamps);
      if (opts.limitBytes !== undefined) {
        if (written >= opts.limitBytes) return false;
        text = text.slice(0, opts.limitBytes - written);
      }
      written += Buffer.byteLength(text);
      out.write(text);
    }
    return opts.limitBytes === undefined || written < opts.limitBytes;
  };
  try {
    let position = 0;
    const readMore = async (): Promise<Entry[]> => {
      const { size } = await stat(path);
      if (size <= position) return [];
      const buf = Buffer.alloc(size - position);
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      position += bytesRead;
      return parser.push(buf.subarray(0, bytesRead).toString("utf8"));
    };
    let first = await readMore();
    if (opts.tailLines !== undefined) first = opts.tailLines === 0 ? [] : first.slice(-opts.tailLines);
    if (!emit(first) || !opts.follow) return;
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 200));
      if (!emit(await readMore())) return;
      if (!(await stillRunning())) {
        emit(await readMore());
        return;
      }
    }
  } finally {
    await fh.close();
  }
}
