import { spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs the packet-filter tools, inside a named network namespace when the proxy has one. */
export type CommandRunner = (cmd: string, args: readonly string[], input?: string) => Promise<CommandResult>;

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${code}): ${stderr.trim().split("\n").slice(0, 5).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join("; ")}`);
  }
}

export function commandRunner(netns?: string): CommandRunner {
  return (cmd, args, input) => {
    const [file, argv] = netns ? ["ip", ["netns", "exec", netns, cmd, ...args]] : [cmd, [...args]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new CommandError(cmd, null, `${file} is not installed`) : e));
      child.on("close", (code) => {
        const stderr = Buffer.concat(err).toString();
        if (code === 0) resolve({ stdout: Buffer.concat(out).toString(), stderr });
        else reject(new CommandError(cmd, code, stderr));
      });
      child.stdin.on("error", () => {});
      child.stdin.end(input ?? "");
    });
  };
}
