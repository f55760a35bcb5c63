/** RFC 6902 JSON Patch over plain JSON values; the input is never modified. */
export class JsonPatchError extends Error {
  override name = "JsonPatchError";
}

type Json = unknown;
interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new JsonPatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: Json, segs: string[], path: string): { parent: any; key: string } {
  let node: any = doc;
  for (const s of segs.slice(0, -1)) {
    if (node === null || typeof node !== "object") throw new JsonPatchError(`path ${path} does not exist`);
    node = Array.isArray(node) ? node[index(node, s, false, path)] : node[s];
    if (node === undefined) throw new JsonPatchError(`path ${path} does not exist`);
  }
  if (node === null || typeof node !== "object") throw new JsonPatchError(`path ${path} does not exist`);
  return { parent: node, key: segs[segs.length - 1]! };
}

function index(arr: unknown[], s: string, forAdd: boolean, path: string): number {
  if (forAdd && s === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(s)) throw new JsonPatchError(`invalid array index "${s}" in ${path}`);
  const i = Number(s);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${i} out of range in ${path}`);
  return i;
}

function get(doc: Json, path: string): Json {
  let node: any = doc;
  for (const s of pointer(path)) {
    if (node === null || typeof node !== "object") throw new JsonPatchError(`path ${path} does not exist`);
    node = Array.isArray(node) ? node[index(node, s, false, path)] : Object.hasOwn(node, s) ? node[s] : undefined;
    if (node === undefined) throw new JsonPatchError(`path ${path} does not exist`);
  }
  return node;
}

function add(doc: Json, path: string, value: Json): Json {
  const segs = pointer(path);
  if (!segs.length) return structuredClone(value);
  const { parent, key } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true, path), 0, structuredClone(value));
  else parent[key] = structuredClone(value);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const segs = pointer(path);
  if (!segs.length) throw new JsonPatchError("cannot remove the whole document");
  const { parent, key } = parentOf(doc, segs, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false, path), 1);
  else {
    if (!Object.hasOwn(parent, key)) throw new JsonPatchError(`path ${path} does not exist`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch(input: Json, ops: unknown[]): Json {
  let doc = structuredClone(input);
  for (const raw of ops) {
    const op = raw as Op;
    if (typeof op !== "object" || op === null || typeof op.path !== "string") throw new JsonPatchError("each operation needs op and path");
    switch (op.op) {
      case "add":
        doc = add(doc, op.path, op.value);
        break;
      case "remove":
        doc = remove(doc, op.path);
        break;
      case "replace":
        get(doc, op.path);
        doc = add(remove(doc, op.path), op.path, op.value);
        break;
      case "move": {
        const v = get(doc, op.from ?? "");
        doc = add(remove(doc, op.from ?? ""), op.path, v);
        break;
      }
      case "copy":
        doc = add(doc, op.path, get(doc, op.from ?? ""));
        break;
      case "test":
        if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value)) throw new JsonPatchError(`test failed at ${op.path}`);
        break;
      default:
        throw new JsonPatchError(`unknown operation "${String(op.op)}"`);
    }
  }
  return doc;
}
