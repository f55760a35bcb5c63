import { createHash } from "node:crypto";
import { request } from "node:https";
import type { AuthRequest, AuthResult, Authenticator, UserInfo } from "../../../../core/apiserver/chains.js";
import type { ClientConfig } from "../../../../core/client/index.js";

const MAX_TOKEN_BYTES = 8 * 1024;
const MAX_RESPONSE_BYTES = 1 << 20;
/** Upstream caches refusals for 30 s whatever the TTL of successes. */
const DENIED_TTL_MS = 30_000;

type Answer = { user: UserInfo; audiences?: string[] } | { error: string };

/**
 * Upstream's webhook token authenticator: the bearer token goes to a remote service as an
 * authentication.k8s.io/v1 TokenReview; its status says who the token is. Answers are cached
 * by token hash; a webhook that fails or answers nonsense makes the token fail (401).
 */
export class TokenWebhook implements Authenticator {
  private readonly cache = new Map<string, { answer: Answer; until: number }>();

  constructor(private readonly target: ClientConfig, private readonly o: { cacheTTLSeconds: number; timeoutSeconds: number }) {}

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const h = req.headers.authorization;
    const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (!m || m[1]!.length > MAX_TOKEN_BYTES) return undefined;
    const key = createHash("sha256").update(m[1]!).digest("hex");
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return structuredClone(hit.answer);
    let answer: Answer;
    try {
      answer = await this.review(m[1]!);
    } catch (err) {
      return { error: `webhook: ${(err as Error).message}` };
    }
    const ttl = "user" in answer ? this.o.cacheTTLSeconds * 1000 : Math.min(DENIED_TTL_MS, this.o.cacheTTLSeconds * 1000);
    if (ttl > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { answer, until: Date.now() + ttl });
    }
    return structuredClone(answer);
  }

  private async review(token: string): Promise<Answer> {
    const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", metadata: { creationTimestamp: null }, spec: { token } });
    const reply = await this.post(body);
    if (reply.kind !== "TokenReview" || typeof reply.status !== "object" || reply.status === null) throw new Error("the response is not a TokenReview");
    const s = reply.status;
    if (s.authenticated !== true) return { error: s.error ? `token refused: ${String(s.error)}` : "token refused" };
    const u = s.user ?? {};
    if (typeof u.username !== "string" || !u.username) throw new Error("an authenticated TokenReview has no username");
    const groups = Array.isArray(u.groups) ? u.groups.filter((g: unknown): g is string => typeof g === "string") : [];
    const extra = u.extra && typeof u.extra === "object" ? (u.extra as Record<string, string[]>) : undefined;
    return {
      user: { name: u.username, ...(typeof u.uid === "string" && u.uid ? { uid: u.uid } : {}), groups, ...(extra && Object.keys(extra).length ? { extra } : {}) },
      ...(Array.isArray(s.audiences) && s.audiences.length ? { audiences: s.audiences } : {}),
    };
  }

  private post(body: string): Promise<any> {
    const t = this.target;
    return new Promise((resolve, reject) => {
      const req = request(
        t.server,
        {
          method: "POST",
          ...(t.ca ? { ca: t.ca } : {}),
          ...(t.cert && t.key ? { cert: t.cert, key: t.key } : {}),
          rejectUnauthorized: !t.insecureSkipTLSVerify,
          timeout: this.o.timeoutSeconds * 1000,
          headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": Buffer.byteLength(body), ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => {
            text += d;
            if (text.length > MAX_RESPONSE_BYTES) req.destroy(new Error("response too large"));
          });
          res.on("end", () => {
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) return reject(new Error(`HTTP ${res.statusCode}`));
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error("the response is not JSON"));
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end(body);
    });
  }
}
