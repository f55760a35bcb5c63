import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kitbash } from "../support/cli.js";
import { hasBusybox, writeBusyboxArchive } from "../support/oci-image.js";
import { partAvailable } from "../support/parts.js";
import { tempDir } from "../support/temp.js";

describe.runIf(partAvailable("busybox", hasBusybox(), "the busybox-static package"))("kitbash images", () => {
  it("imports an OCI archive into the embedded runtime's store and lists it; a bad file is named", async () => {
    const dir = tempDir("kitbash-images-");
    const archive = join(dir, "busybox.tar");
    await writeBusyboxArchive(archive);
    const data = join(dir, "data");
    const imported = kitbash(["images", "import", archive, "--data-dir", data]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/^imported docker\.io\/library\/busybox:latest \(sha256:[0-9a-f]{64}\)$/m);
    const listed = kitbash(["images", "list", "--data-dir", data]);
    expect(listed.stdout.split("\n")[0]).toMatch(/^IMAGE\s+ID\s+SIZE$/);
    expect(listed.stdout).toMatch(/^docker\.io\/library\/busybox:latest\s+[0-9a-f]{12}\s+\d+\.\d MiB$/m);

    writeFileSync(join(dir, "junk.tar"), "junk");
    const bad = kitbash(["images", "import", join(dir, "junk.tar"), "--data-dir", data]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*junk\.tar: /m);
  });
});
