import { request } from "node:https";
import { createLocalJWKSet, type JSONWebKeySet } from "jose";

/** Keys are fetched again on an unknown key id, but not more often than this. */
const REFRESH_MS = 10_000;
const MAX_DOCUMENT_BYTES = 1 << 20;

function getJson(url: string, ca: string | undefined): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", ...(ca ? { ca } : {}), timeout: 10_000, headers: { Accept: "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        body += d;
        if (body.length > MAX_DOCUMENT_BYTES) req.destroy(new Error(`${url}: response too large`));
      });
      res.on("end", () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`${url}: not JSON`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * An issuer's signing keys, read through OIDC discovery (`jwks_uri`) over TLS verified with
 * the configured CA, kept in memory and read again when a token names a key not seen yet.
 */
export class IssuerKeys {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly o: { url: string; discoveryURL?: string; ca?: string }) {}

  private async fetch(): Promise<void> {
    const discovery = await getJson(this.o.discoveryURL ?? `${this.o.url.replace(/\/$/, "")}/.well-known/openid-configuration`, this.o.ca);
    if (discovery.issuer !== this.o.url) throw new Error(`discovery names issuer ${JSON.stringify(discovery.issuer)}, not ${this.o.url}`);
    if (typeof discovery.jwks_uri !== "string" || !discovery.jwks_uri.startsWith("https://")) throw new Error("discovery has no https jwks_uri");
    const jwks = (await getJson(discovery.jwks_uri, this.o.ca)) as JSONWebKeySet;
    this.keys = createLocalJWKSet(jwks);
    this.fetchedAt = Date.now();
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** The key set; `stale` asks for a fresh read when the last is old enough. */
  async keySet(stale = false): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.keys || (stale && Date.now() - this.fetchedAt > REFRESH_MS)) await this.refresh();
    return this.keys!;
  }
}
