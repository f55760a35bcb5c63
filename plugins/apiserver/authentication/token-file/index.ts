import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ApiServer } from "../../../../core/apiserver/points.js";
import type { Authenticator } from "../../../../core/apiserver/chains.js";
import type { TokenFileArgs } from "../../../../schemas/generated/plugins/apiserver/token-file.args.js";
import schema from "../../../../schemas/plugins/apiserver/token-file.args.schema.json" with { type: "json" };
import { parseTokenFile } from "./token-csv.js";

/** Upstream's static token file authenticator. */
export default definePlugin<TokenFileArgs, unknown, Authenticator>({
  name: "token-file",
  serves: [ApiServer.authentication],
  args: schema as JsonSchema,
  description: "Bearer tokens listed in a CSV file (token,user,uid,\"groups\"), read once at start",
  upstream: "kube-apiserver --token-auth-file",
  create: async (args) => {
    const file = resolve(args.file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`token-file: cannot read ${file}: ${(err as Error).message}`);
    }
    const tokens = parseTokenFile(text, file);
    return {
      authenticate(req) {
        const h = req.headers.authorization;
        const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
        if (!m) return undefined;
        // A token not in the file may be another authenticator's (a service-account JWT).
        const user = tokens.get(m[1]!);
        return user ? { user: { ...user, groups: [...user.groups] } } : undefined;
      },
    };
  },
});
