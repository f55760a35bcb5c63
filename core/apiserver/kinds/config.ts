import { fieldForbidden, fieldInvalid, fieldRequired } from "../../api/status.js";
import type { FieldCause } from "../../api/status.js";
import type { KubeObj, Strategy } from "../registry/strategy.js";

const KEY = /^[-._a-zA-Z0-9]+$/;

function checkKeys(obj: KubeObj, fields: string[]): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const f of fields) {
    for (const k of Object.keys(obj[f] ?? {})) {
      if (!KEY.test(k) || k.length > 253) causes.push(fieldInvalid(`${f}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    }
  }
  return causes;
}

function immutability(obj: KubeObj, old: KubeObj, fields: string[]): FieldCause[] {
  if (old.immutable !== true) return [];
  const causes: FieldCause[] = [];
  if (obj.immutable !== true) causes.push(fieldForbidden("immutable", "field is immutable when `immutable` is set"));
  for (const f of fields) {
    if (JSON.stringify(obj[f] ?? {}) !== JSON.stringify(old[f] ?? {})) causes.push(fieldForbidden(f, "field is immutable when `immutable` is set"));
  }
  return causes;
}

export const configMapStrategy: Strategy = {
  validate: (obj) => checkKeys(obj, ["data", "binaryData"]),
  validateUpdate: (obj, old) => [...checkKeys(obj, ["data", "binaryData"]), ...immutability(obj, old, ["data", "binaryData"])],
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function foldStringData(obj: KubeObj): void {
  if (obj.stringData && typeof obj.stringData === "object") {
    obj.data = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v), "utf8").toString("base64");
    delete obj.stringData;
  }
}

function validateSecret(obj: KubeObj): FieldCause[] {
  const causes = checkKeys(obj, ["data"]);
  for (const [k, v] of Object.entries(obj.data ?? {})) {
    if (typeof v !== "string" || !BASE64.test(v)) causes.push(fieldInvalid(`data[${k}]`, "<secret contents redacted>", "illegal base64 data"));
  }
  if (obj.type === "kubernetes.io/service-account-token" && !obj.metadata.annotations?.["kubernetes.io/service-account.name"]) {
    causes.push({ reason: "FieldValueRequired", field: "metadata.annotations[kubernetes.io/service-account.name]", message: "Required value" });
  }
  return [...causes, ...typedKeys(obj)];
}

/** The keys each built-in secret type must carry, as upstream's ValidateSecret checks them. */
function typedKeys(obj: KubeObj): FieldCause[] {
  const data: Record<string, string> = obj.data ?? {};
  const has = (k: string) => k in data;
  const required = (k: string) => fieldRequired(`data[${k}]`);
  const json = (k: string): FieldCause[] => {
    if (!has(k)) return [required(k)];
    try {
      JSON.parse(Buffer.from(data[k]!, "base64").toString("utf8"));
      return [];
    } catch (err) {
      return [fieldInvalid(`data[${k}]`, "<secret contents redacted>", (err as Error).message)];
    }
  };
  switch (obj.type) {
    case "kubernetes.io/dockercfg":
      return json(".dockercfg");
    case "kubernetes.io/dockerconfigjson":
      return json(".dockerconfigjson");
    case "kubernetes.io/basic-auth":
      return has("username") || has("password") ? [] : [required("username"), required("password")];
    case "kubernetes.io/ssh-auth":
      return data["ssh-privatekey"] ? [] : [required("ssh-privatekey")];
    case "kubernetes.io/tls":
      return [...(has("tls.crt") ? [] : [required("tls.crt")]), ...(has("tls.key") ? [] : [required("tls.key")])];
    default:
      return [];
  }
}

/** Secrets: stringData folds into data (write-only), type defaults to Opaque and never changes. */
export const secretStrategy: Strategy = {
  prepareForCreate(obj) {
    foldStringData(obj);
    obj.type ??= "Opaque";
  },
  prepareForUpdate(obj) {
    foldStringData(obj);
    obj.type ??= "Opaque";
  },
  validate: (obj) => validateSecret(obj),
  validateUpdate(obj, old) {
    const causes = [...validateSecret(obj), ...immutability(obj, old, ["data"])];
    if (obj.type !== old.type) causes.push(fieldInvalid("type", obj.type, "field is immutable"));
    return causes;
  },
};
