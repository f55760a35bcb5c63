import { badRequest } from "./status.js";

/**
 * Resource quantities ("100m", "1.5Gi", "2e3"), as upstream's resource.Quantity
 * parses them. Values are held as a JS number of base units; scheduling only ever
 * needs milli-units for cpu and whole units for the rest, both far below 2^53.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const FORM = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

export function isQuantity(text: string): boolean {
  return FORM.test(text.trim());
}

/** The quantity in base units (cores, bytes, count); throws a 422-shaped error on bad text. */
export function parseQuantity(text: string | number): number {
  if (typeof text === "number") return text;
  const m = FORM.exec(text.trim());
  if (!m) throw badRequest(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${text}"`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? "";
  return base * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

/** Rounded up to a whole milli-unit, as Quantity.MilliValue does. */
export function milliValue(text: string | number): number {
  return Math.ceil(Math.round(parseQuantity(text) * 1e6) / 1e3);
}

/** Rounded up to a whole unit, as Quantity.Value does. */
export function wholeValue(text: string | number): number {
  return Math.ceil(Math.round(parseQuantity(text) * 1e3) / 1e3);
}
