// A load generator process for bench/apiserver.mjs, kept apart from the server it
// measures so the two do not share an event loop. It speaks HTTP/2 the way client-go
// does: few connections, many concurrent streams on each, TLS with the admin cert
// (`protocol: "http1"`: HTTP/1.1 keep-alive connections instead).
// Input: one JSON argument; output: one JSON line with throughput and latency.
//
//   op "create" | "get" | "update" | "list": `clients` loops for `durationMs` (or until
//     `total` requests), each timing its own requests.
//   op "watch": `watchers` watches (HTTP/2) on a label selector, then `events` creates 100 ms
//     apart; latency is create sent -> ADDED received, per watcher.
import { connect } from "node:http2";
import { Agent, request as httpsRequest } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const cfg = JSON.parse(process.argv[2]);
// `user`: the file stem of another client certificate in the pki folder (admin by default).
const user = cfg.user ?? "admin";
const pki = { ca: readFileSync(join(cfg.pki, "ca.crt")), cert: readFileSync(join(cfg.pki, `${user}.crt`)), key: readFileSync(join(cfg.pki, `${user}.key`)) };
/** Streams per connection: client-go multiplexes everything over one; a few spread the TLS work. */
const STREAMS_PER_SESSION = 100;

/** `protocol: "http1"`: HTTP/1.1 with keep-alive, one connection per client, as @kubernetes/client-node and curl use. */
const http1 = cfg.protocol === "http1" ? new Agent({ ...pki, keepAlive: true, maxSockets: cfg.clients ?? 1 }) : undefined;

function session() {
  if (http1) return Promise.resolve({ close: () => http1.destroy(), destroy: () => http1.destroy() });
  return new Promise((resolve, reject) => {
    const s = connect(cfg.url, { ...pki, peerMaxConcurrentStreams: 1000 });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

function call(s, method, path, body) {
  if (http1) return call1(method, path, body);
  return new Promise((resolve, reject) => {
    const req = s.request({ ":method": method, ":path": path, ...(body ? { "content-type": "application/json" } : {}) });
    let status = 0;
    const chunks = [];
    req.on("response", (h) => (status = h[":status"]));
    // Bodies are kept only to report a failure.
    req.on("data", (d) => status >= 300 && chunks.push(d));
    req.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString() }));
    req.on("error", reject);
    req.end(body);
  });
}

function call1(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, cfg.url), { method, agent: http1, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks = [];
      res.on("data", (d) => res.statusCode >= 300 && chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

/** Throughput, latency, and this process's own CPU per request (to tell a saturated client from a saturated server). */
function summary(lat, secs, cpu) {
  lat.sort((a, b) => a - b);
  const used = process.cpuUsage(cpu);
  return { ops: lat.length, opsPerSec: Math.round(lat.length / secs), p50Ms: +pct(lat, 50).toFixed(2), p99Ms: +pct(lat, 99).toFixed(2), clientCpuUsPerOp: lat.length ? Math.round((used.user + used.system) / lat.length) : 0 };
}

const requests = {
  create: (i) => ["POST", cfg.base, JSON.stringify({ metadata: { name: `${cfg.prefix}${i}` }, data: { k: "v" } })],
  get: (i) => ["GET", `${cfg.base}/${cfg.prefix}${i % cfg.count}`],
  update: (i) => ["PUT", `${cfg.base}/${cfg.prefix}${i % cfg.count}`, JSON.stringify({ metadata: { name: `${cfg.prefix}${i % cfg.count}` }, data: { k: String(i) } })],
  list: () => ["GET", cfg.base],
};

async function load() {
  const sessions = await Promise.all(Array.from({ length: Math.ceil(cfg.clients / STREAMS_PER_SESSION) || 1 }, session));
  // HTTP/1.1 opens a connection per client: do the TLS handshakes before the clock starts, as HTTP/2's connect did.
  if (http1) await Promise.all(Array.from({ length: cfg.clients }, () => call(undefined, "GET", "/version")));
  const lat = [];
  let n = 0;
  const end = performance.now() + (cfg.durationMs ?? 1e9);
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: cfg.clients }, async (_, c) => {
      const s = sessions[c % sessions.length];
      while (performance.now() < end && (cfg.total === undefined || n < cfg.total)) {
        const i = n++;
        const t = performance.now();
        const r = await call(s, ...requests[cfg.op](i));
        if (r.status >= 300) throw new Error(`${cfg.op} ${i}: status ${r.status}: ${r.body.slice(0, 200)}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  const out = summary(lat, (performance.now() - t0) / 1000, cpu);
  for (const s of sessions) s.close();
  return out;
}

async function watch() {
  const sessions = await Promise.all(Array.from({ length: Math.ceil(cfg.watchers / STREAMS_PER_SESSION) + 1 }, session));
  const writer = sessions.pop();
  const sent = new Map();
  const lat = [];
  const streams = [];
  await Promise.all(
    Array.from({ length: cfg.watchers }, (_, w) =>
      new Promise((resolve, reject) => {
        const req = sessions[w % sessions.length].request({ ":path": `${cfg.base}?watch=true&labelSelector=bench%3Dwatch` });
        streams.push(req);
        req.on("response", (h) => (h[":status"] === 200 ? resolve() : reject(new Error(`watch: status ${h[":status"]}`))));
        req.on("error", () => undefined);
        let buf = "";
        req.setEncoding("utf8");
        req.on("data", (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf("\n")) >= 0) {
            const ev = JSON.parse(buf.slice(0, i));
            buf = buf.slice(i + 1);
            const t = sent.get(ev.object?.metadata?.name);
            if (t !== undefined && ev.type === "ADDED") lat.push(performance.now() - t);
          }
        });
      }),
    ),
  );
  for (let i = 0; i < cfg.events; i++) {
    const name = `watched-${i}`;
    sent.set(name, performance.now());
    const r = await call(writer, "POST", cfg.base, JSON.stringify({ metadata: { name, labels: { bench: "watch" } } }));
    if (r.status >= 300) throw new Error(`watch create: status ${r.status}: ${r.body.slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const expected = cfg.events * cfg.watchers;
  const deadline = performance.now() + 10_000;
  while (lat.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const s of streams) s.close();
  for (const s of [...sessions, writer]) s.destroy();
  lat.sort((a, b) => a - b);
  return { watchers: cfg.watchers, events: cfg.events, delivered: lat.length, expected, p50Ms: +pct(lat, 50).toFixed(2), p99Ms: +pct(lat, 99).toFixed(2) };
}

const result = await (cfg.op === "watch" ? watch() : load());
process.stdout.write(JSON.stringify(result) + "\n");
