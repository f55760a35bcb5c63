import { describe, expect, it } from "vitest";
import { parseCronSchedule } from "../../../plugins/controller-manager/controllers/cronjob/cron-schedule.js";

// 2026-01-01 is a Thursday.
const from = Date.parse("2026-01-01T10:17:30Z");

describe("cron schedules", () => {
  it.each([
    ["* * * * *", undefined, "2026-01-01T10:18:00.000Z"],
    ["@hourly", undefined, "2026-01-01T11:00:00.000Z"],
    ["@daily", undefined, "2026-01-02T00:00:00.000Z"],
    ["@weekly", undefined, "2026-01-04T00:00:00.000Z"],
    ["@yearly", undefined, "2027-01-01T00:00:00.000Z"],
    ["*/15 9-17 * * mon-fri", undefined, "2026-01-01T10:30:00.000Z"],
    ["0 0 29 feb *", undefined, "2028-02-29T00:00:00.000Z"],
    ["30 2 * * *", "America/New_York", "2026-01-02T07:30:00.000Z"],
    ["0 9 * * *", "Asia/Tokyo", "2026-01-02T00:00:00.000Z"],
    // Both day fields restricted: either may match (Friday the 2nd comes before the 15th).
    ["0 0 1,15 * 5", undefined, "2026-01-02T00:00:00.000Z"],
    ["5-10/5 * * * *", undefined, "2026-01-01T11:05:00.000Z"],
  ])("%s (%s) → %s", (schedule, zone, want) => {
    expect(new Date(parseCronSchedule(schedule, zone).next(from)!).toISOString()).toBe(want);
  });

  it.each([
    ["* * * *", /expected exactly 5 fields/],
    ["61 * * * *", /beyond the range/],
    ["@every 5m", /unrecognized descriptor/],
    ["*/0 * * * *", /positive/],
    ["x * * * *", /failed to parse int/],
  ])("refuses %s", (schedule, err) => {
    expect(() => parseCronSchedule(schedule)).toThrow(err);
  });

  it("refuses an unknown time zone", () => {
    expect(() => parseCronSchedule("* * * * *", "Mars/Olympus")).toThrow();
  });
});
