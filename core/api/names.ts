import { randomInt } from "node:crypto";
import { fieldInvalid, fieldTooLong, type FieldCause } from "./status.js";

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Five characters upstream's generateName appends. */
export function generateNameSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Name rules per kind: DNS-1123 subdomain (most), DNS-1123 label (namespaces, services), or path segment (RBAC). */
export function validateObjectName(name: string, rule: "subdomain" | "label" | "path", field: string): FieldCause[] {
  if (rule === "path") {
    if (name === "." || name === "..") return [fieldInvalid(field, name, `may not be '${name}'`)];
    for (const bad of ["/", "%"]) if (name.includes(bad)) return [fieldInvalid(field, name, `may not contain '${bad}'`)];
    return [];
  }
  if (rule === "label") {
    if (name.length > 63) return [fieldInvalid(field, name, "must be no more than 63 characters")];
    return LABEL.test(name) ? [] : [fieldInvalid(field, name, LABEL_MSG)];
  }
  if (name.length > 253) return [fieldTooLong(field, 253)];
  return SUBDOMAIN.test(name) ? [] : [fieldInvalid(field, name, SUBDOMAIN_MSG)];
}
