/**
 * Standard cron schedules as upstream parses them (robfig/cron's ParseStandard): five fields
 * (minute hour day-of-month month day-of-week) with `*`, `?`, lists, ranges, steps and month and
 * weekday names, or a descriptor (`@hourly` …), evaluated in an IANA time zone.
 */
export interface CronSchedule {
  /** The first scheduled time strictly after `after` (ms), or undefined if none within 5 years. */
  next(after: number): number | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface Field {
  values: Set<number>;
  star: boolean;
}

function parseField(text: string, min: number, max: number, names: string[], nameBase: number, what: string): Field {
  const values = new Set<number>();
  let star = false;
  const num = (s: string) => {
    const i = names.indexOf(s.toLowerCase());
    if (i >= 0) return i + nameBase;
    if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: invalid ${what}`);
    return Number(s);
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      lo = min;
      hi = max;
      if (stepText === undefined) star = true;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      lo = num(a!);
      hi = num(b!);
    } else {
      lo = num(range);
      hi = stepText !== undefined ? max : lo;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`step of range should be a positive number: ${part}`);
    if (lo < min || hi > max) throw new Error(`${what} ${part} is beyond the range ${min}-${max}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** The wall-clock fields of `ms` in `zone`. */
function zoned(fmt: Intl.DateTimeFormat, ms: number) {
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const weekday = new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!)).getUTCDay();
  return { month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, weekday };
}

/** Throws with upstream's wording on a bad schedule or unknown zone. */
export function parseCronSchedule(schedule: string, timeZone = "UTC"): CronSchedule {
  const text = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  if (text.startsWith("@")) throw new Error(`unrecognized descriptor: ${schedule}`);
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const minute = parseField(fields[0]!, 0, 59, [], 0, "minute");
  const hour = parseField(fields[1]!, 0, 23, [], 0, "hour");
  const dom = parseField(fields[2]!, 1, 31, [], 0, "day of month");
  const month = parseField(fields[3]!, 1, 12, MONTHS, 1, "month");
  const dow = parseField(fields[4]!, 0, 6, DAYS, 0, "day of week");
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
  // Either day field starred means both must match; otherwise either may (cron's old rule).
  const dayMatches = (f: ReturnType<typeof zoned>) =>
    dom.star || dow.star ? dom.values.has(f.day) && dow.values.has(f.weekday) : dom.values.has(f.day) || dow.values.has(f.weekday);
  return {
    next(after) {
      let t = Math.floor(after / 60_000) * 60_000 + 60_000;
      const limit = after + 5 * 366 * 86_400_000;
      while (t <= limit) {
        const f = zoned(fmt, t);
        if (!month.values.has(f.month) || !dayMatches(f)) t += ((23 - f.hour) * 60 + (60 - f.minute)) * 60_000;
        else if (!hour.values.has(f.hour)) t += (60 - f.minute) * 60_000;
        else if (!minute.values.has(f.minute)) t += 60_000;
        else return t;
      }
      return undefined;
    },
  };
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
