/**
 * School days and instants. Lessons are kept as a school-local date and time plus the UTC instant
 * they start (computed with the school's IANA time zone), so reminders select by instant and views
 * by date. Russian zones have had no DST since 2014, but the conversion below handles it anyway.
 */
import { dateInZone, wallClock } from '../../common/time/zoned-date';

/** Offset of `tz` from UTC at `instant`, in milliseconds (Moscow: +3 h). */
export function tzOffsetMs(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of a school-local date and time ("2026-11-23", "08:30" or "08:30:00"). */
export function zonedToUtc(date: string, time: string, tz: string): Date {
  const naive = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  const first = naive - tzOffsetMs(new Date(naive), tz);
  const second = naive - tzOffsetMs(new Date(first), tz);
  return new Date(second);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday of a date: Monday 1 … Sunday 7. */
export function isoWeekday(date: string): number {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** ISO week label of a date, e.g. "2026-W48". */
export function isoWeekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const thursday = new Date(d);
  thursday.setUTCDate(d.getUTCDate() + 4 - isoWeekday(date));
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export const WEEK_PATTERN = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

/** Monday and Sunday of an ISO week label; null when the label names no week (e.g. 2026-W53). */
export function isoWeekRange(label: string): { from: string; to: string } | null {
  const m = WEEK_PATTERN.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  // Monday of week 1 is the Monday of the week holding 4 January.
  const jan4 = `${year}-01-04`;
  const monday1 = addDays(jan4, 1 - isoWeekday(jan4));
  const from = addDays(monday1, (week - 1) * 7);
  if (isoWeekOf(from) !== label) return null;
  return { from, to: addDays(from, 6) };
}

/** Resolves `current`, `next` or an ISO label against today's date in the school's zone. */
export function resolveWeek(
  param: string | undefined,
  tz: string,
  now: Date = new Date(),
): { week: string; from: string; to: string } | null {
  const label =
    param === undefined || param === 'current'
      ? isoWeekOf(dateInZone(now, tz))
      : param === 'next'
        ? isoWeekOf(addDays(dateInZone(now, tz), 7))
        : param;
  const range = isoWeekRange(label);
  return range ? { week: label, ...range } : null;
}

/** Whole days between two dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
