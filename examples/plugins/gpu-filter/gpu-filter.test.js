import { test } from "node:test";
import assert from "node:assert/strict";
import { GPUFilter, gpuFilter } from "./index.js";

const pod = (labels) => ({ metadata: { name: "p", labels } });
const node = (labels) => ({ metadata: { name: "n", labels } });

const cases = [
  ["a pod without the label fits any node", pod({}), node({}), "Success"],
  ["matching gpu-type fits", pod({ "gpu-type": "a100" }), node({ "gpu-type": "a100" }), "Success"],
  ["another gpu-type does not", pod({ "gpu-type": "a100" }), node({ "gpu-type": "t4" }), "UnschedulableAndUnresolvable"],
  ["a node without GPUs does not", pod({ "gpu-type": "a100" }), node({}), "UnschedulableAndUnresolvable"],
];
for (const [name, p, n, want] of cases) test(name, () => assert.equal(gpuFilter(p, n).code, want));

test("the rejection names the wanted gpu-type", () => {
  assert.deepEqual(gpuFilter(pod({ "gpu-type": "a100" }), node({})).reasons, ["node(s) didn't have the requested gpu-type a100"]);
});

test("the manifest serves scheduler.filter and its instance filters through NodeInfo.node", () => {
  assert.deepEqual(GPUFilter.serves, ["scheduler.filter"]);
  const inst = GPUFilter.create({}, {});
  assert.equal(inst.filter({}, pod({ "gpu-type": "x" }), { node: node({ "gpu-type": "x" }) }).code, "Success");
  assert.equal(inst.eventsToRegister()[0].event.resource, "Node");
});
