/**
 * Kubernetes resource quantities ("100m", "1.5Gi", "2e3", "128974848"), as
 * apimachinery's resource.Quantity reads them. Values are returned as plain
 * numbers: exact for every size a cluster uses (bytes up to 2^53, millicores).
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const FORM = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

export class QuantityError extends Error {}

/** The quantity's value in base units; throws QuantityError on a malformed string. */
export function parseQuantity(q: string | number): number {
  if (typeof q === "number") return q;
  const m = FORM.exec(q.trim());
  if (!m) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got "${q}"`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""]!;
}

/** Thousandths of the value rounded up, as Quantity.MilliValue does: cpu "100m" → 100. */
export function milliValue(q: string | number): number {
  return Math.ceil(Math.round(parseQuantity(q) * 1e6) / 1e3);
}

/** The value rounded up to a whole unit, as Quantity.Value does. */
export function wholeValue(q: string | number): number {
  return Math.ceil(parseQuantity(q) - 1e-9);
}
