import { readFileSync } from "node:fs";
import type { AuthRequest, AuthResult, Authenticator, UserInfo } from "../../../../core/apiserver/chains.js";

/** One CSV line as fields, with double-quoted fields holding commas and doubled quotes. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses a token file; a malformed line fails naming the file and the line. */
export function parseTokenFile(text: string, file: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const f = csvFields(line);
    if (f.length < 3) throw new Error(`${file}:${i + 1}: a token line needs at least token,user,uid (found ${f.length} field${f.length === 1 ? "" : "s"})`);
    const [token, name, uid, groups] = f as [string, string, string, string | undefined];
    if (!token || !name) throw new Error(`${file}:${i + 1}: the token and the user name must not be empty`);
    if (tokens.has(token)) throw new Error(`${file}:${i + 1}: this token is already given to ${tokens.get(token)!.name}`);
    tokens.set(token, { name, ...(uid ? { uid } : {}), groups: groups ? groups.split(",").map((g) => g.trim()).filter(Boolean) : [] });
  });
  return tokens;
}

/** Upstream's token file authenticator: `Authorization: Bearer <token>` looked up in the file. */
export class TokenFileAuthenticator implements Authenticator {
  private readonly tokens: Map<string, UserInfo>;

  constructor(file: string) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`cannot read the token file ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
    this.tokens = parseTokenFile(text, file);
  }

  authenticate(req: AuthRequest): AuthResult {
    const header = req.headers.authorization;
    if (typeof header !== "string" || !/^bearer /i.test(header)) return undefined;
    const user = this.tokens.get(header.slice(7).trim());
    // A token not in the file may be another authenticator's (a service account's, a bootstrap token).
    return user ? { user: { ...user, groups: [...user.groups] } } : undefined;
  }
}
