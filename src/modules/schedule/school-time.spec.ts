import { dateInZone } from '../../common/time/zoned-date';
import { addDays, isoWeekOf, isoWeekRange, resolveWeek, zonedToUtc } from './school-time';

describe('school time', () => {
  it('converts a school-local time to the UTC instant', () => {
    expect(zonedToUtc('2026-11-23', '08:30', 'Europe/Moscow').toISOString()).toBe('2026-11-23T05:30:00.000Z');
    expect(zonedToUtc('2026-11-23', '08:30:00', 'Asia/Vladivostok').toISOString()).toBe('2026-11-22T22:30:00.000Z');
    expect(zonedToUtc('2026-06-01', '09:00', 'Europe/Kaliningrad').toISOString()).toBe('2026-06-01T07:00:00.000Z');
  });

  it('reads the local date of an instant', () => {
    expect(dateInZone(new Date('2026-11-22T22:30:00Z'), 'Asia/Vladivostok')).toBe('2026-11-23');
    expect(dateInZone(new Date('2026-11-22T22:30:00Z'), 'Europe/Moscow')).toBe('2026-11-23');
    expect(dateInZone(new Date('2026-11-22T20:30:00Z'), 'Europe/Moscow')).toBe('2026-11-22');
  });

  it('parses ISO weeks, including year boundaries', () => {
    expect(isoWeekRange('2026-W48')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(isoWeekRange('2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(isoWeekRange('2020-W53')).toEqual({ from: '2020-12-28', to: '2021-01-03' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-48')).toBeNull();
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2026-11-29')).toBe('2026-W48');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('resolves current and next week in the school zone', () => {
    const now = new Date('2026-11-29T21:30:00Z'); // Monday 30 Nov 00:30 in Moscow, still Sunday in Kaliningrad
    expect(resolveWeek('current', 'Europe/Moscow', now)?.week).toBe('2026-W49');
    expect(resolveWeek(undefined, 'Europe/Kaliningrad', now)?.week).toBe('2026-W48');
    expect(resolveWeek('next', 'Europe/Moscow', now)).toEqual({ week: '2026-W50', from: '2026-12-07', to: '2026-12-13' });
  });
});
