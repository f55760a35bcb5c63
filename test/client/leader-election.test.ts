import { describe, expect, it } from "vitest";
import { LeaderElector, type Lease } from "../../core/client/leader-election.js";
import { KubeClient } from "../../core/client/rest-client.js";
import type { Transport, TransportRequest, TransportResponse } from "../../core/client/transport.js";
import { FakeClock } from "../support/fake-clock.js";

/** One Lease with resourceVersion checks, as the API server keeps it; `failWrites` makes every write a 500. */
class LeaseServer implements Transport {
  lease: Lease | undefined;
  private rv = 1;
  failWrites = false;

  async request(req: TransportRequest): Promise<TransportResponse> {
    const answer = (status: number, body: unknown): TransportResponse => ({ status, headers: {}, body: Buffer.from(JSON.stringify(body)) });
    const status = (code: number, reason: string) => answer(code, { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message: reason });
    if (req.method === "GET") return this.lease ? answer(200, this.lease) : status(404, "NotFound");
    if (this.failWrites) return status(500, "InternalError");
    const body = JSON.parse(String(req.body)) as Lease;
    if (req.method === "POST") {
      if (this.lease) return status(409, "AlreadyExists");
      this.lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
      return answer(201, this.lease);
    }
    if (req.method === "PUT") {
      if (body.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) return status(409, "Conflict");
      this.lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
      return answer(200, this.lease);
    }
    return status(405, "MethodNotAllowed");
  }
  async stream(): Promise<never> {
    throw new Error("no watches");
  }
  close(): void {}
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

function candidate(server: LeaseServer, clock: FakeClock, identity: string, log: string[], releaseOnCancel = true) {
  const elector = new LeaderElector({
    client: new KubeClient(server),
    namespace: "kube-system",
    name: "test",
    identity,
    clock,
    releaseOnCancel,
    onStartedLeading: () => void log.push(`${identity} leads`),
    onStoppedLeading: () => void log.push(`${identity} stopped`),
  });
  const ac = new AbortController();
  const done = elector.run(ac.signal);
  return { elector, stop: () => ac.abort(), done };
}

/** Advances the fake clock in retry-period steps, letting requests complete between them. */
async function elapse(clock: FakeClock, ms: number) {
  for (let t = 0; t < ms; t += 500) {
    clock.advance(Math.min(500, ms - t));
    await flush();
  }
}

describe("LeaderElector (15 s lease, 10 s renew deadline, 2 s retry)", () => {
  it("takes a free lease, renews it, and a rival waits out the whole lease by its own clock", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = candidate(server, clock, "a", log, false);
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    expect(server.lease?.spec).toMatchObject({ holderIdentity: "a", leaseDurationSeconds: 15, leaseTransitions: 0 });
    const b = candidate(server, clock, "b", log);
    await elapse(clock, 30_000);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.currentLeader()).toBe("a");

    // a dies without releasing: its renewals stop, and b takes over once 15 s pass without a change.
    a.stop();
    await a.done;
    const rvAtDeath = server.lease!.metadata.resourceVersion;
    await elapse(clock, 14_000);
    expect(b.elector.isLeader()).toBe(false);
    // b last saw a change at most one jittered retry (4.4 s) after a's last renewal, and looks again
    // at most 4.4 s after the lease runs out from there: 15 + 2 × 4.4 s after a died at the latest.
    await elapse(clock, 15_000 + 2 * 4_400 - 14_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(server.lease!.metadata.resourceVersion).not.toBe(rvAtDeath);
    expect(server.lease?.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    b.stop();
    await b.done;
    expect(log).toEqual(["a leads", "a stopped", "b leads", "b stopped"]);
  });

  it("ignores the holder's renewTime: a lease written by a skewed clock still lasts its full duration from when it was seen", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    server.lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "test", namespace: "kube-system", resourceVersion: "1" }, spec: { holderIdentity: "far-away", leaseDurationSeconds: 15, renewTime: "2001-01-01T00:00:00.000000Z", leaseTransitions: 4 } };
    const log: string[] = [];
    const b = candidate(server, clock, "b", log);
    await elapse(clock, 10_000);
    expect(b.elector.isLeader()).toBe(false);
    await elapse(clock, 10_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(server.lease?.spec?.leaseTransitions).toBe(5);
    b.stop();
    await b.done;
  });

  it("steps down once renewals have failed for the renew deadline, and hands the lease back when stopped", async () => {
    const server = new LeaseServer();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = candidate(server, clock, "a", log);
    await flush();
    expect(a.elector.isLeader()).toBe(true);
    server.failWrites = true;
    await elapse(clock, 8_000);
    expect(a.elector.isLeader()).toBe(true);
    await elapse(clock, 4_000);
    expect(a.elector.isLeader()).toBe(false);
    expect(log).toEqual(["a leads", "a stopped"]);
    a.stop();
    await a.done;

    server.failWrites = false;
    const c = candidate(server, clock, "c", log);
    await elapse(clock, 20_000);
    expect(c.elector.isLeader()).toBe(true);
    c.stop();
    await c.done;
    expect(server.lease?.spec).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
  });
});
