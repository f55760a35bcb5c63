import { describe, expect, it } from "vitest";
import { selectControllers } from "../../core/controller-manager/controller-selection.js";
import type { Controller } from "../../core/controller-manager/controller.js";
import { parseDuration } from "../../core/api/durations.js";
import { KitbashError } from "../../core/kernel/errors.js";

const entry = (name: string, extra: Partial<Controller> = {}) => ({ name, weight: 0, instance: { run: async () => undefined, ...extra } as Controller });
const entries = [
  entry("namespace", { aliases: ["namespace-controller"] }),
  entry("garbagecollector", { aliases: ["garbage-collector-controller"] }),
  entry("serviceaccount"),
  entry("tokencleaner", { disabledByDefault: true }),
];
const pick = (...wanted: string[]) => selectControllers(entries, wanted).map((e) => e.name);

describe("--controllers selection (upstream's rules)", () => {
  it.each([
    [["*"], ["namespace", "garbagecollector", "serviceaccount"]],
    [["*", "-namespace"], ["garbagecollector", "serviceaccount"]],
    [["*", "tokencleaner"], ["namespace", "garbagecollector", "serviceaccount", "tokencleaner"]],
    [["namespace"], ["namespace"]],
    [["namespace-controller", "-garbage-collector-controller", "*"], ["namespace", "serviceaccount"]],
    [["-namespace", "namespace"], []],
    [[], []],
  ])("%j runs %j", (wanted, expected) => {
    expect(pick(...wanted)).toEqual(expected);
  });

  it("refuses an unknown name with a suggestion and the field", () => {
    let err: unknown;
    try {
      pick("*", "-namspace");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KitbashError);
    expect((err as KitbashError).message).toBe('unknown controller "-namspace"');
    expect((err as KitbashError).field).toBe("components.controller-manager.settings.controllers");
    expect((err as KitbashError).hint).toBe('did you mean "namespace"?');
  });
});

describe("parseDuration", () => {
  it.each([
    ["15s", 15_000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["12h", 43_200_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "15", "s", "1d", "15s ", "1m-3s"])("refuses %j", (text) => expect(() => parseDuration(text)).toThrow(/is not a duration/));
});
