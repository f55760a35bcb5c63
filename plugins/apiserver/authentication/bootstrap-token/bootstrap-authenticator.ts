import { timingSafeEqual } from "node:crypto";
import type { AuthRequest, AuthResult, Authenticator } from "../../../../core/apiserver/chains.js";
import type { ClusterObjects } from "../../../../core/apiserver/cluster-objects.js";

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const SECRET_TYPE = "bootstrap.kubernetes.io/token";

const decode = (data: Record<string, string> | undefined, key: string) => (data?.[key] === undefined ? undefined : Buffer.from(data[key]!, "base64").toString("utf8"));
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Upstream's bootstrap token authenticator: `<id>.<secret>` matches the kube-system secret
 * `bootstrap-token-<id>` of type bootstrap.kubernetes.io/token, allowed for authentication,
 * unexpired and not being deleted. Anything else is not this plugin's (upstream answers so too).
 */
export class BootstrapTokenAuthenticator implements Authenticator {
  constructor(private readonly objects: ClusterObjects, private readonly now: () => number = Date.now) {}

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const h = req.headers.authorization;
    const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
    const parts = m ? TOKEN.exec(m[1]!) : null;
    if (!parts) return undefined;
    const [, id, secret] = parts as unknown as [string, string, string];
    const s = await this.objects.get({ group: "", version: "v1", resource: "secrets" }, "kube-system", `bootstrap-token-${id}`);
    if (!s || s.type !== SECRET_TYPE || s.metadata.deletionTimestamp) return undefined;
    if (decode(s.data, "token-id") !== id) return undefined;
    const stored = decode(s.data, "token-secret");
    if (stored === undefined || !same(stored, secret)) return undefined;
    if (decode(s.data, "usage-bootstrap-authentication") !== "true") return undefined;
    const expiration = decode(s.data, "expiration");
    if (expiration !== undefined) {
      const at = Date.parse(expiration);
      if (Number.isNaN(at) || at <= this.now()) return undefined;
    }
    const extra = (decode(s.data, "auth-extra-groups") ?? "").split(",").map((g) => g.trim()).filter(Boolean);
    if (extra.some((g) => !EXTRA_GROUP.test(g))) return { error: `bootstrap token ${id} has invalid auth-extra-groups` };
    return { user: { name: `system:bootstrap:${id}`, groups: ["system:bootstrappers", ...extra] } };
  }
}
