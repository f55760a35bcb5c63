import { badRequest } from "./status.js";

type Op = "=" | "!=" | "in" | "notin" | "exists" | "!";
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export interface Selector {
  matches(labels: Record<string, string>): boolean;
  empty(): boolean;
  toString(): string;
}

class RequirementSelector implements Selector {
  constructor(private readonly reqs: Requirement[]) {}
  matches(labels: Record<string, string>): boolean {
    return this.reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case "=":
          return has && v === r.values[0];
        case "!=":
          return !has || v !== r.values[0];
        case "in":
          return has && r.values.includes(v!);
        case "notin":
          return !has || !r.values.includes(v!);
        case "exists":
          return has;
        case "!":
          return !has;
      }
    });
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  toString(): string {
    return this.reqs
      .map((r) => (r.op === "exists" ? r.key : r.op === "!" ? `!${r.key}` : r.op === "in" || r.op === "notin" ? `${r.key} ${r.op} (${r.values.join(",")})` : `${r.key}${r.op}${r.values[0]}`))
      .join(",");
  }
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(k: string): void {
  if (!KEY.test(k) || k.split("/").pop()!.length > 63) throw badRequest(`unable to parse requirement: invalid label key "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
}
function checkValue(v: string): void {
  if (!VALUE.test(v) || v.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
}

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses the string form: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-joined. */
export function parseLabelSelector(text: string): Selector {
  const reqs: Requirement[] = [];
  if (text.trim() === "") return new RequirementSelector([]);
  for (const raw of splitTop(text)) {
    const part = raw.trim();
    if (!part) throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s!=(),]+)$/.exec(part))) {
      checkKey(m[1]!);
      reqs.push({ key: m[1]!, op: "!", values: [] });
    } else if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const values = m[3]!.split(",").map((v) => v.trim());
      checkKey(m[1]!);
      values.forEach(checkValue);
      reqs.push({ key: m[1]!, op: m[2] as Op, values });
    } else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part))) {
      checkKey(m[1]!);
      checkValue(m[3]!);
      reqs.push({ key: m[1]!, op: m[2] === "!=" ? "!=" : "=", values: [m[3]!] });
    } else if ((m = /^([^\s!=(),]+)$/.exec(part))) {
      checkKey(m[1]!);
      reqs.push({ key: m[1]!, op: "exists", values: [] });
    } else {
      throw badRequest(`unable to parse requirement: ${JSON.stringify(part)} is not a valid label selector`);
    }
  }
  return new RequirementSelector(reqs);
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Compiles a metav1.LabelSelector; an empty selector matches everything. */
export function selectorFromLabelSelector(sel: LabelSelector): Selector {
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: "=", values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as Record<string, Op>)[e.operator];
    if (!op) throw new Error(`"${e.operator}" is not a valid label selector operator`);
    if ((op === "in" || op === "notin") && !e.values?.length) throw new Error(`values: Required value: must be specified when operator is In or NotIn`);
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return new RequirementSelector(reqs);
}

export function selectorFromSet(set: Record<string, string>): Selector {
  return selectorFromLabelSelector({ matchLabels: set });
}
