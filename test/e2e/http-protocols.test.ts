import { readFileSync } from "node:fs";
import { connect, type ClientHttp2Session } from "node:http2";
import { connect as tlsConnect } from "node:tls";
import { join } from "node:path";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import { tempDir } from "../support/temp.js";

/** What a client-go-like HTTP/2 client and an HTTP/1.1 client see on the same port. */
describe("API server over HTTP/2 and HTTP/1.1", () => {
  let c: Cluster;
  let tls: { ca: Buffer; cert: Buffer; key: Buffer };
  let h2: ClientHttp2Session;
  beforeAll(async () => {
    const dir = tempDir("kitbash-protocols-");
    c = await startCluster(dir, ["--profile", "control-plane"]);
    const pki = join(dir, "pki");
    tls = { ca: readFileSync(join(pki, "ca.crt")), cert: readFileSync(join(pki, "admin.crt")), key: readFileSync(join(pki, "admin.key")) };
    h2 = connect(c.url, tls);
  });
  afterAll(async () => {
    h2?.destroy();
    await c?.stop();
  });

  function h2call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = h2.request({ ":method": method, ":path": path, "content-type": "application/json", ...headers });
      let head: Record<string, unknown> = {};
      let text = "";
      req.setEncoding("utf8");
      req.on("response", (h) => (head = h));
      req.on("data", (d) => (text += d));
      req.on("end", () => resolve({ status: Number(head[":status"]), headers: head, body: text }));
      req.on("error", reject);
      req.end(body);
    });
  }

  it("negotiates h2 in ALPN and still speaks HTTP/1.1 to clients that only offer it", async () => {
    const alpn = (protocols: string[]) =>
      new Promise<string | false | null>((resolve, reject) => {
        const u = new URL(c.url);
        const s = tlsConnect({ host: u.hostname, port: Number(u.port), ...tls, ALPNProtocols: protocols }, () => {
          resolve(s.alpnProtocol);
          s.end();
        });
        s.on("error", reject);
      });
    expect(await alpn(["h2", "http/1.1"])).toBe("h2");
    expect(await alpn(["http/1.1"])).toBe("http/1.1");
    const h1 = await c.api("GET", "/api/v1/namespaces/default");
    expect(h1.status).toBe(200);
    expect(JSON.parse(h1.body)).toMatchObject({ kind: "Namespace", metadata: { name: "default" } });
  });

  it("answers resources, Status errors and Warning headers the same over HTTP/2", async () => {
    const created = await h2call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "over-h2" }, data: { a: "1" }, bogus: true }));
    expect(created.status).toBe(201);
    expect(String(created.headers.warning)).toContain('unknown field \\"bogus\\"');
    const got = await h2call("GET", "/api/v1/namespaces/default/configmaps/over-h2");
    expect(JSON.parse(got.body)).toMatchObject({ kind: "ConfigMap", apiVersion: "v1", data: { a: "1" }, metadata: { resourceVersion: JSON.parse(created.body).metadata.resourceVersion } });
    const missing = await h2call("GET", "/api/v1/namespaces/default/configmaps/nope");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    const same = await c.api("GET", "/api/v1/namespaces/default/configmaps/nope");
    expect(JSON.parse(same.body)).toEqual(JSON.parse(missing.body));
    const table = await h2call("GET", "/api/v1/namespaces/default/configmaps/over-h2", undefined, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    expect(JSON.parse(table.body)).toMatchObject({ kind: "Table", rows: [{ cells: ["over-h2", 1, expect.any(String)] }] });
  });

  it("streams watch events over an HTTP/2 stream, each line as it happens", async () => {
    const lines: string[] = [];
    const stream = h2.request({ ":path": "/api/v1/namespaces/default/configmaps?watch=true&labelSelector=w%3Dh2" });
    stream.setEncoding("utf8");
    let buf = "";
    stream.on("data", (d: string) => {
      buf += d;
      for (let i; (i = buf.indexOf("\n")) >= 0; buf = buf.slice(i + 1)) lines.push(buf.slice(0, i));
    });
    const head = await new Promise<Record<string, unknown>>((resolve) => stream.on("response", resolve));
    expect(head[":status"]).toBe(200);
    expect(head["transfer-encoding"]).toBeUndefined();
    await h2call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "watched-h2", labels: { w: "h2" } } }));
    await h2call("DELETE", "/api/v1/namespaces/default/configmaps/watched-h2");
    const deadline = Date.now() + 5000;
    while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stream.close();
    expect(lines.map((l) => [JSON.parse(l).type, JSON.parse(l).object.metadata.name])).toEqual([
      ["ADDED", "watched-h2"],
      ["DELETED", "watched-h2"],
    ]);
  });

  it("ends a watch on the server when its HTTP/2 stream or HTTP/1.1 connection closes", async () => {
    const open = async () => {
      const text = (await c.api("GET", "/metrics")).body;
      const line = text.split("\n").find((l) => l.startsWith("apiserver_longrunning_requests{") && l.includes('resource="secrets"') && l.includes('scope="namespace"'));
      return line ? Number(line.split(" ").pop()) : 0;
    };
    // Controllers of the cluster may hold secrets watches of their own: count from what is open now.
    const before = await open();
    const stream = h2.request({ ":path": "/api/v1/namespaces/default/secrets?watch=true" });
    await new Promise((resolve) => stream.on("response", resolve));
    const h1 = await new Promise<import("node:http").ClientRequest>((resolve) => {
      const req = httpsRequest(new URL("/api/v1/namespaces/default/secrets?watch=true", c.url), tls, () => resolve(req));
      req.end();
    });
    await vi.waitFor(async () => expect(await open()).toBe(before + 2), { timeout: 5000, interval: 50 });
    stream.close();
    h1.destroy();
    await vi.waitFor(async () => expect(await open()).toBe(before), { timeout: 5000, interval: 50 });
  });

  it("reads its own writes: a GET right after a write sees it, also when other resources were written", async () => {
    for (let i = 0; i < 20; i++) {
      const put = await h2call("POST", "/api/v1/namespaces/default/secrets", JSON.stringify({ metadata: { name: `ryw-${i}` } }));
      expect(put.status).toBe(201);
      const rv = JSON.parse(put.body).metadata.resourceVersion;
      const got = await h2call("GET", `/api/v1/namespaces/default/secrets/ryw-${i}`);
      expect(JSON.parse(got.body).metadata.resourceVersion).toBe(rv);
      // A write elsewhere moves the revision past this cache's last event.
      await h2call("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: `elsewhere-${i}` } }));
      expect((await h2call("GET", `/api/v1/namespaces/default/secrets/ryw-${i}`)).status).toBe(200);
    }
  });

  it("hands HTTP/1.1 upgrade requests to the app, which answers with a Status when it cannot carry them", async () => {
    const u = new URL(c.url);
    const upgrade = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const s = tlsConnect({ host: u.hostname, port: Number(u.port), ...tls, ALPNProtocols: ["http/1.1"] }, () => {
          s.write(`GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
        });
        let text = "";
        s.setEncoding("utf8");
        s.on("data", (d) => (text += d));
        s.on("end", () => resolve(text));
        s.on("error", reject);
      });
    const body = (reply: string) => JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4));
    // Exec goes to the pod's kubelet; a pod that does not exist is a 404.
    const exec = await upgrade("/api/v1/namespaces/default/pods/p/exec");
    expect(exec).toMatch(/^HTTP\/1\.1 404 /);
    expect(body(exec)).toMatchObject({ kind: "Status", code: 404, reason: "NotFound" });
    // Nothing else upgrades.
    const other = await upgrade("/api/v1/namespaces/default/configmaps");
    expect(other).toMatch(/^HTTP\/1\.1 400 /);
    expect(body(other)).toMatchObject({ kind: "Status", code: 400, reason: "BadRequest" });
  });
});
