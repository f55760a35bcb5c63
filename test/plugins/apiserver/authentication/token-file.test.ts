import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import tokenFile from "../../../../plugins/apiserver/authentication/token-file/index.js";
import { parseTokenFile } from "../../../../plugins/apiserver/authentication/token-file/token-csv.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import { tempDir } from "../../../support/temp.js";

describe("token-file authenticator", () => {
  it("reads upstream's CSV: three columns, optional quoted groups, quotes inside quotes", () => {
    const tokens = parseTokenFile('\uFEFFt1,alice,1001,"dev,ops"\n\nt2,bob,,\nt3,"carol ""c""",3\r\nt1,alice2,1,solo\n', "tokens.csv");
    expect(tokens.get("t1")).toEqual({ name: "alice2", uid: "1", groups: ["solo"] });
    expect(tokens.get("t2")).toEqual({ name: "bob", groups: [] });
    expect(tokens.get("t3")).toEqual({ name: 'carol "c"', uid: "3", groups: [] });
  });

  it.each([
    ["t1,alice\n", "tokens.csv:1: token file must have at least 3 columns (token, user name, user uid), found 2"],
    ["ok,a,1\n,bob,2\n", "tokens.csv:2: the token is empty"],
    ["t,,1\n", "tokens.csv:1: the user name is empty"],
    ['t,"alice,1\n', "tokens.csv:1: unterminated quoted field"],
    ['t,al"ice,1\n', 'tokens.csv:1: bare " in a field that is not quoted'],
  ])("refuses %j with the line and the fault", (text, message) => {
    expect(() => parseTokenFile(text, "tokens.csv")).toThrow(message);
  });

  it("answers for listed tokens only and leaves the rest to later authenticators", async () => {
    const dir = tempDir();
    const file = join(dir, "tokens.csv");
    writeFileSync(file, 'abc123,alice,42,"dev,ops"\n');
    const auth = (await tokenFile.create({ file }, {} as never)) as Authenticator;
    const ask = (authorization?: string) => auth.authenticate({ headers: authorization ? { authorization } : {}, path: "/api" });
    expect(await ask("Bearer abc123")).toEqual({ user: { name: "alice", uid: "42", groups: ["dev", "ops"] } });
    expect(await ask("bearer abc123")).toEqual({ user: { name: "alice", uid: "42", groups: ["dev", "ops"] } });
    expect(await ask("Bearer abc1234")).toBeUndefined();
    expect(await ask("Basic abc123")).toBeUndefined();
    expect(await ask()).toBeUndefined();
  });

  it("a missing file stops the start with its path", async () => {
    await expect(tokenFile.create({ file: "/nonexistent/tokens.csv" }, {} as never)).rejects.toThrow("token-file: cannot read /nonexistent/tokens.csv");
  });
});
