import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTokenFile, TokenFileAuthenticator } from "../../../../plugins/apiserver/authentication/token-file/token-file.js";
import { tempDir } from "../../../support/temp.js";

describe("token-file authenticator", () => {
  it("reads upstream's CSV: token,user,uid and quoted groups", () => {
    const tokens = parseTokenFile('t1,alice,u-1,"dev,ops"\n\nt2,bob,,\nt3,"carol, jr",u-3\n', "tokens.csv");
    expect(tokens.get("t1")).toEqual({ name: "alice", uid: "u-1", groups: ["dev", "ops"] });
    expect(tokens.get("t2")).toEqual({ name: "bob", groups: [] });
    expect(tokens.get("t3")).toEqual({ name: "carol, jr", uid: "u-3", groups: [] });
  });

  it.each([
    ["t1,alice\n", "tokens.csv:1: a token line needs at least token,user,uid (found 2 fields)"],
    ["t1,alice,1\n,bob,2\n", "tokens.csv:2: the token and the user name must not be empty"],
    ["t1,alice,1\nt1,bob,2\n", "tokens.csv:2: this token is already given to alice"],
  ])("refuses %j naming file and line", (text, message) => {
    expect(() => parseTokenFile(text, "tokens.csv")).toThrow(message);
  });

  it("claims only its own bearer tokens", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "t.csv"), 'secret1,alice,u-1,"dev"\n');
    const a = new TokenFileAuthenticator(join(dir, "t.csv"));
    expect(a.authenticate({ headers: { authorization: "Bearer secret1" }, path: "/" })).toEqual({ user: { name: "alice", uid: "u-1", groups: ["dev"] } });
    expect(a.authenticate({ headers: { authorization: "Bearer other" }, path: "/" })).toBeUndefined();
    expect(a.authenticate({ headers: { authorization: "Basic abc" }, path: "/" })).toBeUndefined();
    expect(a.authenticate({ headers: {}, path: "/" })).toBeUndefined();
    expect(() => new TokenFileAuthenticator(join(dir, "missing.csv"))).toThrow(/cannot read the token file .*missing\.csv: no such file/);
  });
});
