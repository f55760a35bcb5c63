import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConflist, loadConflist, writeDefaultConflist } from "../../../plugins/runtime/network/cni/conflist.js";
import { invokePlugin } from "../../../plugins/runtime/network/cni/invoke.js";
import { tempDir, tempTree } from "../../support/temp.js";

function fakePlugin(dir: string, name: string, script: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe("CNI plugin invocation", () => {
  it("passes the parameters in the environment and the config on stdin, and parses the result", async () => {
    const bin = tempDir();
    fakePlugin(bin, "echo", `read -r conf; printf '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24"}],"env":"%s %s %s %s","conf":%s}' "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_IFNAME" "$CNI_ARGS" "$conf"`);
    const out = await invokePlugin("echo", [bin], { command: "ADD", containerId: "abc", netns: "/var/run/netns/x", ifname: "eth0", args: { K8S_POD_NAME: "p" } }, { cniVersion: "1.0.0", name: "n", type: "echo" }, 5000);
    expect(out).toMatchObject({ ips: [{ address: "10.1.0.5/24" }], env: "ADD abc eth0 K8S_POD_NAME=p", conf: { name: "n", type: "echo" } });
  });

  it("turns an error object into an error naming the plugin, code and message", async () => {
    const bin = tempDir();
    fakePlugin(bin, "bad", `echo '{"cniVersion":"1.0.0","code":7,"msg":"invalid network config","details":"no subnet"}'; exit 1`);
    await expect(invokePlugin("bad", [bin], { command: "ADD" }, {}, 5000)).rejects.toThrow("CNI plugin bad ADD failed (code 7): invalid network config (no subnet)");
  });

  it("kills a plugin that outlives the timeout", async () => {
    const bin = tempDir();
    fakePlugin(bin, "slow", "sleep 5");
    await expect(invokePlugin("slow", [bin], { command: "DEL" }, {}, 200)).rejects.toThrow(/timed out after 200 ms/);
  });

  it("says which folders it searched for a missing binary", async () => {
    await expect(invokePlugin("nothere", ["/nonexistent-a"], { command: "VERSION" }, {}, 1000)).rejects.toThrow(/no plugin binary "nothere" in \/nonexistent-a/);
  });
});

describe("CNI configuration", () => {
  it("writes the default bridge + host-local + portmap list at cniVersion 1.0.0, once", () => {
    const dir = tempDir();
    expect(writeDefaultConflist(dir, "10.244.1.0/24")).toBe(join(dir, "10-kitbash.conflist"));
    expect(writeDefaultConflist(dir, "10.244.2.0/24")).toBeUndefined();
    const list = loadConflist(dir)!;
    expect(list).toMatchObject(defaultConflist("10.244.1.0/24"));
    expect(list.plugins[1]).toEqual({ type: "portmap", capabilities: { portMappings: true } });
  });

  it("names the file and field of a broken conflist", () => {
    const dir = tempTree({ "10-a.conflist": JSON.stringify({ cniVersion: "1.0.0", name: "x", plugins: [{}] }) });
    expect(() => loadConflist(dir)).toThrow(`${join(dir, "10-a.conflist")}: field plugins[0].type: required`);
  });
});
