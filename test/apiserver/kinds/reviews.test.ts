import { describe, expect, it } from "vitest";
import type { Authenticator, Authorizer, Decision, RequestAttributes, UserInfo } from "../../../core/apiserver/chains.js";
import { reviewHandlers } from "../../../core/apiserver/kinds/reviews.js";
import { ResourceCatalog } from "../../../core/apiserver/registry/catalog.js";
import { StatusError } from "../../../core/api/status.js";

const catalog = new ResourceCatalog();
const entry = <T>(name: string, instance: T) => ({ name, weight: 1, instance });
const alice: UserInfo = { name: "alice", groups: ["devs", "system:authenticated"] };
const admin: UserInfo = { name: "root", groups: ["system:masters", "system:authenticated"] };

/** Allows `get` for the group `devs`, denies `delete` outright, has no opinion on the rest. */
const devsCanGet: Authorizer = {
  authorize(a: RequestAttributes): Decision {
    if (a.verb === "delete") return { decision: "deny", reason: "nobody deletes" };
    if (a.verb === "get" && a.user.groups.includes("devs")) return { decision: "allow", reason: "devs read" };
    return { decision: "no-opinion" };
  },
  rulesFor: (user) => ({ resourceRules: user.groups.includes("devs") ? [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }] : [], nonResourceRules: [], incomplete: false }),
};
const broken: Authorizer = {
  authorize() {
    throw new Error("webhook unreachable");
  },
};
const tokens: Authenticator = {
  authenticate(req) {
    const auth = String(req.headers.authorization ?? "");
    if (!auth.startsWith("Bearer ")) return undefined;
    if (auth === "Bearer good") return { user: { name: "carol", uid: "42", groups: ["ops"] }, audiences: ["api", "vault"] };
    return { error: "invalid bearer token" };
  },
};
const anonymous: Authenticator = { authenticate: () => ({ user: { name: "system:anonymous", groups: ["system:unauthenticated"] } }) };

function review(plural: string, group: string, authorizers: Authorizer[] = [devsCanGet]) {
  const handlers = reviewHandlers({ authenticators: () => [entry("tokens", tokens), entry("anonymous", anonymous)], authorizers: () => authorizers.map((a, i) => entry(`a${i}`, a)) });
  const served = catalog.all().find((r) => r.plural === plural && r.group === group && r.version === "v1")!;
  return (body: Record<string, any>, user: UserInfo = alice, namespace?: string) => handlers.get(`${group}/${plural}`)!({ served, body: { metadata: {}, ...body }, user, namespace });
}

async function failure(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StatusError);
  return (err as StatusError).status;
}

describe("access reviews answer through the authorization chain", () => {
  const sar = review("subjectaccessreviews", "authorization.k8s.io");
  const ssar = review("selfsubjectaccessreviews", "authorization.k8s.io");
  const lsar = review("localsubjectaccessreviews", "authorization.k8s.io");
  const get = { resourceAttributes: { verb: "get", resource: "pods", namespace: "web" } };

  it.each([
    ["an allow, with the authorizer's reason", { user: "bob", groups: ["devs"], ...get }, { allowed: true, reason: "devs read" }],
    ["a deny, marked denied", { user: "bob", groups: ["devs"], resourceAttributes: { verb: "delete", resource: "pods" } }, { allowed: false, denied: true, reason: "nobody deletes" }],
    ["no opinion, neither allowed nor denied", { user: "bob", ...get }, { allowed: false }],
    ["system:masters passes every check", { user: "root", groups: ["system:masters"], resourceAttributes: { verb: "delete", resource: "nodes" } }, { allowed: true }],
  ])("SubjectAccessReview: %s", async (_, spec, status) => {
    const out = await sar({ spec });
    expect(out.status).toEqual(status);
    expect(out).toMatchObject({ kind: "SubjectAccessReview", apiVersion: "authorization.k8s.io/v1", spec });
  });

  it("SubjectAccessReview refuses a spec without a subject or with both attribute kinds, with upstream's field messages", async () => {
    const s = await failure(sar({ spec: { resourceAttributes: { verb: "get" }, nonResourceAttributes: { verb: "get", path: "/x" } } }));
    expect(s.code).toBe(422);
    expect(s.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.nonResourceAttributes: Invalid value: {"verb":"get","path":"/x"}: cannot be specified in combination with resourceAttributes, spec.user: Invalid value: "": at least one of user or group must be specified]');
    const named = await failure(sar({ metadata: { name: "q" }, spec: { user: "bob", ...get } }));
    expect(named.message).toContain('metadata: Invalid value: {"name":"q"}: must be empty');
  });

  it("SelfSubjectAccessReview asks about the caller, and an authorizer's failure is an evaluationError, not a decision", async () => {
    expect((await ssar({ spec: get })).status).toEqual({ allowed: true, reason: "devs read" });
    expect((await ssar({ spec: get }, { name: "eve", groups: [] })).status).toEqual({ allowed: false });
    const withBroken = review("selfsubjectaccessreviews", "authorization.k8s.io", [broken, devsCanGet]);
    expect((await withBroken({ spec: get })).status).toEqual({ allowed: true, reason: "devs read", evaluationError: "a0: webhook unreachable" });
    expect((await withBroken({ spec: { nonResourceAttributes: { verb: "post", path: "/healthz" } } })).status).toEqual({ allowed: false, evaluationError: "a0: webhook unreachable" });
    const neither = await failure(ssar({ spec: {} }));
    expect(neither.message).toContain("spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified");
  });

  it("LocalSubjectAccessReview takes its namespace from the URL and refuses a spec naming another", async () => {
    const ok = await lsar({ spec: { user: "bob", groups: ["devs"], ...get } }, alice, "web");
    expect(ok.metadata).toEqual({ namespace: "web" });
    expect(ok.status).toEqual({ allowed: true, reason: "devs read" });
    const other = await failure(lsar({ spec: { user: "bob", resourceAttributes: { verb: "get", resource: "pods", namespace: "db" } } }, alice, "web"));
    expect(other.code).toBe(422);
    expect(other.message).toContain('spec.resourceAttributes.namespace: Invalid value: "db": must match metadata.namespace');
    const mismatch = await failure(lsar({ metadata: { namespace: "db" }, spec: { user: "bob", ...get } }, alice, "web"));
    expect(mismatch).toMatchObject({ code: 400, message: "the namespace of the provided object does not match the namespace sent on the request" });
    const nonResource = await failure(lsar({ spec: { user: "bob", nonResourceAttributes: { verb: "get", path: "/x" } } }, alice, "web"));
    expect(nonResource.message).toContain("spec.nonResourceAttributes: Invalid value");
    expect(nonResource.message).toContain("disallowed on this kind of request");
  });
});

describe("SelfSubjectRulesReview lists what the authorizers can enumerate", () => {
  const rules = review("selfsubjectrulesreviews", "authorization.k8s.io");

  it("gives each authorizer's rules and is complete when every authorizer can list them", async () => {
    const out = await rules({ spec: { namespace: "web" } });
    expect(out.status).toEqual({ resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }], nonResourceRules: [], incomplete: false });
  });

  it("is incomplete when an authorizer cannot enumerate, and grants masters everything", async () => {
    const out = await review("selfsubjectrulesreviews", "authorization.k8s.io", [broken, devsCanGet])({ spec: { namespace: "web" } }, admin);
    expect(out.status.incomplete).toBe(true);
    expect(out.status.resourceRules).toEqual([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
    expect(out.status.nonResourceRules).toEqual([{ verbs: ["*"], nonResourceURLs: ["*"] }]);
  });

  it("needs a namespace", async () => {
    expect(await failure(rules({ spec: {} }))).toMatchObject({ code: 400, message: "no namespace on request" });
  });
});

describe("authentication reviews", () => {
  it("SelfSubjectReview answers the caller's user info", async () => {
    const out = await review("selfsubjectreviews", "authentication.k8s.io")({});
    expect(out.status).toEqual({ userInfo: { username: "alice", groups: ["devs", "system:authenticated"] } });
  });

  it("TokenReview runs the authentication chain on the token alone; anonymous never counts", async () => {
    const tr = review("tokenreviews", "authentication.k8s.io");
    expect((await tr({ spec: { token: "good" } })).status).toEqual({ authenticated: true, user: { username: "carol", uid: "42", groups: ["ops", "system:authenticated"] }, audiences: ["api", "vault"] });
    expect((await tr({ spec: { token: "good", audiences: ["vault", "other"] } })).status.audiences).toEqual(["vault"]);
    expect((await tr({ spec: { token: "good", audiences: ["other"] } })).status).toMatchObject({ authenticated: false, error: "token audiences do not include any of the requested audiences" });
    expect((await tr({ spec: { token: "bad" } })).status).toEqual({ authenticated: false, user: {}, error: "tokens: invalid bearer token" });
    expect(await failure(tr({ spec: {} }))).toMatchObject({ code: 400, message: "token is required for TokenReview in authentication" });
  });

  it("refuses a body of another kind", async () => {
    const s = await failure(review("selfsubjectreviews", "authentication.k8s.io")({ kind: "TokenReview" }));
    expect(s).toMatchObject({ code: 400, message: "the kind in the data (TokenReview) does not match the resource (SelfSubjectReview)" });
  });
});
