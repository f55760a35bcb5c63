import { X509Certificate } from "node:crypto";
import type { PeerCertificate } from "node:tls";
import { describe, expect, it } from "vitest";
import { createCertificateAuthority, identityFromCertificate, loadCertificateAuthority } from "../../core/pki/index.js";

/** The shape Node's getPeerCertificate() gives, trimmed to what the mapping reads. */
const peer = (subject: Record<string, string | string[]>) => ({ subject }) as unknown as PeerCertificate;

describe("identityFromCertificate", () => {
  it("maps CN to the user and a single O (a string in Node's object) to one group", () => {
    expect(identityFromCertificate(peer({ CN: "alice", O: "devs" }))).toEqual({ name: "alice", groups: ["devs"] });
  });

  it("maps repeated O (an array in Node's object) to one group each, in order", () => {
    expect(identityFromCertificate(peer({ CN: "alice", O: ["devs", "system:masters"] }))).toEqual({ name: "alice", groups: ["devs", "system:masters"] });
  });

  it("gives no groups without O, and an empty name without CN or subject", () => {
    expect(identityFromCertificate(peer({ CN: "bob" }))).toEqual({ name: "bob", groups: [] });
    expect(identityFromCertificate(peer({ O: "devs" }))).toEqual({ name: "", groups: ["devs"] });
    expect(identityFromCertificate({} as PeerCertificate)).toEqual({ name: "", groups: [] });
  });

  it("takes the last CN when it repeats, as Go's pkix.Name does", () => {
    expect(identityFromCertificate(peer({ CN: ["first", "last"] })).name).toBe("last");
  });

  it("reads a Node X509Certificate, special characters and all", async () => {
    const ca = await loadCertificateAuthority(await createCertificateAuthority("test-ca", 1));
    const { cert } = await ca.issue({ commonName: 'system:node:a,b="c"', organizations: ["system:nodes", "x+y"], days: 1, clientAuth: true });
    expect(identityFromCertificate(new X509Certificate(cert))).toEqual({ name: 'system:node:a,b="c"', groups: ["system:nodes", "x+y"] });
  });
});
