import type { KubeObj } from "../registry/strategy.js";
import type { GroupVersion, VersionConverter } from "./converter.js";

type Obj = Record<string, any>;

/**
 * core/v1 field ↔ events.k8s.io/v1 field. Both are views of one Event (upstream stores
 * events.k8s.io Events as core Events); the fields not listed here have the same name.
 */
const RENAMED: readonly (readonly [core: string, events: string])[] = [
  ["involvedObject", "regarding"],
  ["message", "note"],
  ["reportingComponent", "reportingController"],
  ["source", "deprecatedSource"],
  ["firstTimestamp", "deprecatedFirstTimestamp"],
  ["lastTimestamp", "deprecatedLastTimestamp"],
  ["count", "deprecatedCount"],
];

function rename(obj: KubeObj, pairs: readonly (readonly [string, string])[], apiVersion: string): KubeObj {
  const out: Obj = {};
  const map = new Map(pairs);
  for (const [k, v] of Object.entries(structuredClone(obj))) out[map.get(k) ?? k] = v;
  out.apiVersion = apiVersion;
  return out as KubeObj;
}

/** core/v1 (storage) to events.k8s.io/v1. */
export const eventToEventsV1 = (obj: KubeObj): KubeObj => rename(obj, RENAMED, "events.k8s.io/v1");

/** events.k8s.io/v1 to core/v1 (storage). */
export const eventFromEventsV1 = (obj: KubeObj): KubeObj =>
  rename(
    obj,
    RENAMED.map(([core, events]) => [events, core] as const),
    "v1",
  );

const isEventsGroup = (gv: GroupVersion) => gv.group === "events.k8s.io";

export const eventConverter: VersionConverter = {
  storage: { group: "", version: "v1", kind: "Event", plural: "events" },
  resources: ["/events", "events.k8s.io/events"],
  fromStorage: (obj, to) => (isEventsGroup(to) ? eventToEventsV1(obj) : structuredClone(obj)),
  toStorage: (obj, from) => (isEventsGroup(from) ? eventFromEventsV1(obj) : structuredClone(obj)),
};
