import type { UserInfo } from "../../../../core/apiserver/chains.js";

/** One CSV record per line; fields may be double-quoted, with `""` for a quote inside. */
function csvFields(line: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`${where}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      if (i < line.length && line[i] !== ",") throw new Error(`${where}: extraneous text after a quoted field`);
      fields.push(value);
      i++;
    } else {
      const end = line.indexOf(",", i);
      const stop = end < 0 ? line.length : end;
      const value = line.slice(i, stop);
      if (value.includes('"')) throw new Error(`${where}: bare " in a field that is not quoted`);
      fields.push(value);
      i = stop + 1;
    }
  }
  return fields;
}

/**
 * Upstream's static token file: `token,user,uid` and an optional fourth field of groups
 * separated by commas (quoted when there are several). Blank lines are skipped; a later
 * line with the same token replaces the earlier one, as upstream's does.
 */
export function parseTokenFile(text: string, file: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${file}:${index + 1}`;
    const fields = csvFields(line, where);
    if (fields.length < 3) throw new Error(`${where}: token file must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    const [token, name, uid, groups] = fields as [string, string, string, string | undefined];
    if (!token) throw new Error(`${where}: the token is empty`);
    if (!name) throw new Error(`${where}: the user name is empty`);
    tokens.set(token, {
      name,
      ...(uid ? { uid } : {}),
      groups: (groups ?? "").split(",").map((g) => g.trim()).filter(Boolean),
    });
  });
  return tokens;
}
