/**
 * Calendar dates and wall-clock times of an instant in an IANA time zone (a school's, a region's, the
 * digest's Moscow). Russian zones have had no DST since 2014; nothing here assumes that, Intl does the work.
 * An unknown zone throws RangeError, as Intl does.
 */

export interface WallClock {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock reading of `instant` in `tz` (month 1–12, hour 0–23). */
export function wallClock(instant: Date, tz: string): WallClock {
  const parts = formatter(tz).formatToParts(instant);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** The calendar date (`YYYY-MM-DD`) of `instant` in `tz`. */
export function dateInZone(instant: Date, tz: string): string {
  const w = wallClock(instant, tz);
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}
