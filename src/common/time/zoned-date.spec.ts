import { dateInZone, wallClock } from './zoned-date';

describe('dateInZone', () => {
  it.each<[string, string, string]>([
    // 21:00 UTC is midnight in Moscow (UTC+3): the next day starts exactly then.
    ['2026-11-22T20:59:59Z', 'Europe/Moscow', '2026-11-22'],
    ['2026-11-22T21:00:00Z', 'Europe/Moscow', '2026-11-23'],
    // Kaliningrad is UTC+2: midnight at 22:00 UTC, an hour after Moscow's.
    ['2026-11-22T21:30:00Z', 'Europe/Kaliningrad', '2026-11-22'],
    ['2026-11-22T22:00:00Z', 'Europe/Kaliningrad', '2026-11-23'],
    // Vladivostok is UTC+10: most of the UTC evening is already tomorrow there.
    ['2026-11-22T13:59:59Z', 'Asia/Vladivostok', '2026-11-22'],
    ['2026-11-22T14:00:00Z', 'Asia/Vladivostok', '2026-11-23'],
    // Around midnight UTC: still yesterday in no Russian zone, the UTC date everywhere east of it.
    ['2026-11-23T00:00:00Z', 'UTC', '2026-11-23'],
    ['2026-11-22T23:59:59Z', 'UTC', '2026-11-22'],
    ['2026-11-22T23:59:59Z', 'Europe/Moscow', '2026-11-23'],
    ['2026-11-22T23:59:59Z', 'Europe/Kaliningrad', '2026-11-23'],
    // Year and leap-day boundaries.
    ['2026-12-31T21:00:00Z', 'Europe/Moscow', '2027-01-01'],
    ['2026-12-31T20:59:59Z', 'Europe/Moscow', '2026-12-31'],
    ['2028-02-28T14:00:00Z', 'Asia/Vladivostok', '2028-02-29'],
    // Summer: no DST since 2014, the offset is the same as in November.
    ['2026-06-30T21:00:00Z', 'Europe/Moscow', '2026-07-01'],
    ['2026-06-30T21:59:59Z', 'Europe/Kaliningrad', '2026-06-30'],
  ])('%s in %s is %s', (instant, tz, expected) => {
    expect(dateInZone(new Date(instant), tz)).toBe(expected);
  });

  it('refuses an unknown zone', () => {
    expect(() => dateInZone(new Date('2026-11-22T12:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('wallClock', () => {
  it('reads hours 0–23 (midnight is 0, not 24)', () => {
    expect(wallClock(new Date('2026-11-22T21:00:00Z'), 'Europe/Moscow')).toEqual({ y: 2026, m: 11, d: 23, h: 0, mi: 0, s: 0 });
    expect(wallClock(new Date('2026-11-22T22:30:15Z'), 'Asia/Vladivostok')).toEqual({ y: 2026, m: 11, d: 23, h: 8, mi: 30, s: 15 });
    expect(wallClock(new Date('2026-11-22T22:30:15Z'), 'Europe/Kaliningrad')).toEqual({ y: 2026, m: 11, d: 23, h: 0, mi: 30, s: 15 });
  });
});
