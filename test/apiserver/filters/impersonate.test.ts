import { describe, expect, it } from "vitest";
import type { Authorizer, RequestAttributes, UserInfo } from "../../../core/apiserver/chains.js";
import { impersonate } from "../../../core/apiserver/filters/impersonate.js";
import { StatusError } from "../../../core/api/status.js";

const bob: UserInfo = { name: "bob", groups: ["ops", "system:authenticated"] };

/** Records every question and allows impersonating anything but the group `admins`. */
function recorder() {
  const asked: RequestAttributes[] = [];
  const authorizer: Authorizer = {
    authorize(a) {
      asked.push(a);
      return a.resource === "groups" && a.name === "admins" ? { decision: "deny", reason: "not admins" } : { decision: "allow" };
    },
  };
  return { asked, chain: [{ name: "rec", weight: 1, instance: authorizer }] };
}

describe("impersonation", () => {
  it("leaves a request without impersonation headers as it came", async () => {
    const { chain, asked } = recorder();
    expect(await impersonate(chain, bob, {})).toBe(bob);
    expect(asked).toEqual([]);
  });

  it.each([
    ["a user alone becomes an authenticated user", { "impersonate-user": ["jane"] }, { name: "jane", groups: ["system:authenticated"] }],
    ["given groups are the whole answer", { "impersonate-user": ["jane"], "impersonate-group": ["dev", "qa"] }, { name: "jane", groups: ["dev", "qa"] }],
    ["a service account gets its groups from its name", { "impersonate-user": ["system:serviceaccount:web:robot"] }, { name: "system:serviceaccount:web:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:web", "system:authenticated"] }],
    ["anonymous stays unauthenticated", { "impersonate-user": ["system:anonymous"] }, { name: "system:anonymous", groups: [] }],
    ["uid and extra values travel along", { "impersonate-user": ["jane"], "impersonate-uid": ["u-1"], "impersonate-extra-scopes%2fread": ["a", "b"] }, { name: "jane", uid: "u-1", groups: ["system:authenticated"], extra: { "scopes/read": ["a", "b"] } }],
  ])("%s", async (_, headers, want) => {
    const { chain } = recorder();
    expect(await impersonate(chain, bob, headers)).toEqual(want);
  });

  it("asks the authorizers for `impersonate` on each part, as the real requester", async () => {
    const { chain, asked } = recorder();
    await impersonate(chain, bob, { "impersonate-user": ["system:serviceaccount:web:robot"], "impersonate-group": ["dev"], "impersonate-uid": ["u-1"], "impersonate-extra-team": ["x"] });
    expect(asked.map((a) => [a.user.name, a.verb, a.apiGroup, a.resource, a.subresource ?? "", a.namespace ?? "", a.name])).toEqual([
      ["bob", "impersonate", "", "serviceaccounts", "", "web", "robot"],
      ["bob", "impersonate", "", "groups", "", "", "dev"],
      ["bob", "impersonate", "authentication.k8s.io", "uids", "", "", "u-1"],
      ["bob", "impersonate", "authentication.k8s.io", "userextras", "team", "", "x"],
    ]);
  });

  it("refuses a part the authorizers do not allow with upstream's 403", async () => {
    const { chain } = recorder();
    const err = await impersonate(chain, bob, { "impersonate-user": ["jane"], "impersonate-group": ["admins"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({ code: 403, message: 'groups "admins" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope: not admins' });
  });

  it("refuses groups without a user", async () => {
    const { chain } = recorder();
    const err = await impersonate(chain, bob, { "impersonate-group": ["dev"] }).catch((e: unknown) => e);
    expect((err as StatusError).status.code).toBe(500);
  });
});
