import { request } from "node:https";
import type { ClusterReader } from "../cluster-reader.js";
import type { Webhook } from "./rules.js";

/** Where a webhook is reached: the address dialled, and the name its certificate must carry. */
interface Target {
  url: URL;
  /** The IP and port connected to when a service reference resolved through its endpoints. */
  connect?: { host: string; port: number };
}

/**
 * A webhook's address: `url` as given, or a service reference as `https://name.ns.svc:port/path`,
 * dialled at one of the service's ready endpoint addresses (there is no cluster network to
 * route the ClusterIP), with the certificate checked against the service's DNS name as upstream does.
 */
export async function resolveTarget(hook: Webhook, cluster: ClusterReader): Promise<Target> {
  const cc = hook.clientConfig;
  if (cc.url) return { url: new URL(cc.url) };
  const svc = cc.service;
  if (!svc) throw new Error("webhook clientConfig has neither url nor service");
  const port = svc.port ?? 443;
  const url = new URL(`https://${svc.name}.${svc.namespace}.svc:${port}${svc.path ?? ""}`);
  const service = await cluster.get("", "v1", "services", svc.namespace, svc.name);
  if (!service) throw new Error(`service "${svc.name}" not found`);
  const servicePort = (service.spec?.ports ?? []).find((p: { port: number }) => p.port === port);
  if (!servicePort) throw new Error(`service "${svc.namespace}/${svc.name}" has no port ${port}`);
  const endpoints = await cluster.get("", "v1", "endpoints", svc.namespace, svc.name);
  for (const subset of endpoints?.subsets ?? []) {
    const address = subset.addresses?.[0]?.ip as string | undefined;
    const ports: { name?: string; port: number }[] = subset.ports ?? [];
    const epPort = ports.length === 1 ? ports[0] : ports.find((p) => (p.name ?? "") === (servicePort.name ?? ""));
    if (address && epPort) return { url, connect: { host: address, port: epPort.port } };
  }
  throw new Error(`service "${svc.namespace}/${svc.name}" has no ready endpoints`);
}

/** The URL as upstream's client shows it in errors: with the `timeout` query it sends. */
export function displayUrl(target: Target, timeoutSeconds: number): string {
  const u = new URL(target.url);
  u.searchParams.set("timeout", `${timeoutSeconds}s`);
  return u.toString();
}

/** POSTs an AdmissionReview and returns the parsed answer; any transport or HTTP failure throws. */
export function postReview(target: Target, caBundle: string | undefined, body: unknown, timeoutSeconds: number): Promise<unknown> {
  const text = JSON.stringify(body);
  const url = new URL(displayUrl(target, timeoutSeconds));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: "https:",
        host: target.connect?.host ?? url.hostname.replace(/^\[|\]$/g, ""),
        port: target.connect?.port ?? (url.port ? Number(url.port) : 443),
        path: `${url.pathname}${url.search}`,
        method: "POST",
        servername: url.hostname,
        headers: { "Content-Type": "application/json", Accept: "application/json", "Content-Length": Buffer.byteLength(text), Host: url.host },
        ...(caBundle ? { ca: Buffer.from(caBundle, "base64").toString("utf8") } : {}),
        timeout: timeoutSeconds * 1000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`the server responded with the status code ${res.statusCode} but did not return more information`));
          try {
            resolve(JSON.parse(raw));
          } catch {
            reject(new Error(`received invalid webhook response: ${raw.slice(0, 200)}`));
          }
        });
        res.on("error", reject);
      },
    );
    const deadline = setTimeout(() => req.destroy(new Error("context deadline exceeded")), timeoutSeconds * 1000);
    req.on("close", () => clearTimeout(deadline));
    req.on("timeout", () => req.destroy(new Error("context deadline exceeded")));
    req.on("error", (err) => reject(new Error(`Post ${JSON.stringify(url.toString())}: ${describeError(err)}`)));
    req.end(text);
  });
}

/** Go's wording for the usual dial failures, which is what users search for. */
function describeError(err: NodeJS.ErrnoException): string {
  if (err.code === "ECONNREFUSED") return `dial tcp ${(err as { address?: string }).address}:${(err as { port?: number }).port}: connect: connection refused`;
  if (err.code === "ENOTFOUND") return `dial tcp: lookup ${(err as { hostname?: string }).hostname}: no such host`;
  if (err.code === "DEPTH_ZERO_SELF_SIGNED_CERT" || err.code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || err.code === "SELF_SIGNED_CERT_IN_CHAIN") {
    return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
  }
  if (err.code === "ERR_TLS_CERT_ALTNAME_INVALID") return `tls: failed to verify certificate: x509: ${err.message}`;
  return err.message;
}
