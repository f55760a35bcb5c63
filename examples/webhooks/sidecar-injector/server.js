#!/usr/bin/env node
import { createServer } from "node:https";
import { readFileSync } from "node:fs";
import { review } from "./mutate.js";

/**
 * HTTPS server for the API server's MutatingAdmissionWebhook: POST /mutate takes an
 * AdmissionReview and answers one; GET /healthz says it is up. Configured by environment:
 * TLS_CERT and TLS_KEY (PEM files, default certs/server.crt and certs/server.key), PORT
 * (default 8443), HOST (default 127.0.0.1).
 */
const cert = readFileSync(process.env.TLS_CERT ?? "certs/server.crt");
const key = readFileSync(process.env.TLS_KEY ?? "certs/server.key");
const port = Number(process.env.PORT ?? 8443);
const host = process.env.HOST ?? "127.0.0.1";

const server = createServer({ cert, key }, (req, res) => {
  const send = (code, obj) => {
    const text = JSON.stringify(obj);
    res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === "GET" && req.url === "/healthz") return send(200, { ok: true });
  if (req.method !== "POST" || !req.url?.startsWith("/mutate")) return send(404, { error: `no handler for ${req.method} ${req.url}` });
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      send(200, review(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    } catch (err) {
      send(400, { error: err.message });
    }
  });
});

server.listen(port, host, () => {
  const { port: bound } = server.address();
  // The bound port on its own line, so scripts (and tests) starting with PORT=0 can read it.
  console.log(`sidecar-injector listening on https://${host}:${bound}`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
