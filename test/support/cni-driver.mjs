// Runs one operation of the built `cni` network plugin, so a test can run it inside a network
// namespace (`ip netns exec NODE node cni-driver.mjs '<json>'`) and keep the host's untouched.
import { join } from "node:path";
import { projectRootFromHere } from "./project-root.mjs";

const { op, args, sandbox, dataDir } = JSON.parse(process.argv[2]);
const { CniNetwork } = await import(join(projectRootFromHere(import.meta.url), "dist/plugins/runtime/network/cni/cni-network.js"));
const logger = { info() {}, warn() {}, debug() {}, error() {} };
const net = new CniNetwork(args, { dataDir, logger });
try {
  const out = op === "add" ? await net.setUp(sandbox) : op === "check" ? await net.check(sandbox) : op === "del" ? await net.tearDown(sandbox) : op === "ready" ? net.ready() : await net.versions();
  process.stdout.write(JSON.stringify({ ok: true, out: out ?? null }));
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: err.message }));
}
