import { dateInZone } from '../../common/time/zoned-date';
import { ageOn, checkAccountLevel, LevelGateInput } from './level-gate';

const gate = (o: Partial<LevelGateInput>) =>
  checkAccountLevel({ level: 'simplified', esiaBirthDate: null, diaryBirthDate: null, today: '2026-05-10', ...o });

describe('ageOn', () => {
  it.each<[string, string, number | null]>([
    ['2012-05-10', '2026-05-10', 14], // 14th birthday today
    ['2012-05-11', '2026-05-10', 13], // tomorrow
    ['2012-04-30', '2026-05-10', 14],
    ['2012-06-01', '2026-05-10', 13],
    ['2012-02-29', '2026-02-28', 13], // leap-day birth: not yet on 28 Feb
    ['2012-02-29', '2026-03-01', 14], // … a year older on 1 March
    ['2012-02-29', '2028-02-29', 16],
    ['2026-05-10', '2026-05-10', 0],
    ['2027-01-01', '2026-05-10', null], // born in the future
    ['10.05.2012', '2026-05-10', null], // not ISO
  ])('born %s, on %s → %s', (birth, today, expected) => {
    expect(ageOn(birth, today)).toBe(expected);
  });
});

describe('checkAccountLevel', () => {
  it.each<[string, Partial<LevelGateInput>, boolean, 'simplified' | 'standard']>([
    ['adult with a simplified account: too low', { level: 'simplified', esiaBirthDate: '1990-01-01' }, false, 'standard'],
    ['adult with a standard account', { level: 'standard', esiaBirthDate: '1990-01-01' }, true, 'standard'],
    ['adult with a confirmed account', { level: 'confirmed', esiaBirthDate: '1990-01-01' }, true, 'standard'],
    ['child of 10 with a simplified account', { level: 'simplified', esiaBirthDate: '2016-05-10' }, true, 'simplified'],
    ['child of 13 the day before turning 14', { level: 'simplified', esiaBirthDate: '2012-05-11' }, true, 'simplified'],
    ['turns 14 today: simplified is no longer enough', { level: 'simplified', esiaBirthDate: '2012-05-10' }, false, 'standard'],
    ['turns 14 today with a standard account', { level: 'standard', esiaBirthDate: '2012-05-10' }, true, 'standard'],
    ['no ESIA birth date: the diary profile decides (child)', { level: 'simplified', diaryBirthDate: '2016-09-01' }, true, 'simplified'],
    ['no ESIA birth date: the diary profile decides (adult)', { level: 'simplified', diaryBirthDate: '1980-09-01' }, false, 'standard'],
    [
      'ESIA birth date wins over the diary one',
      { level: 'simplified', esiaBirthDate: '1990-01-01', diaryBirthDate: '2016-01-01' },
      false,
      'standard',
    ],
    ['age unknown: treated as 14+ (simplified refused)', { level: 'simplified' }, false, 'standard'],
    ['age unknown, standard account', { level: 'standard' }, true, 'standard'],
  ])('%s', (_name, input, ok, requiredLevel) => {
    expect(gate(input)).toMatchObject({ ok, requiredLevel });
  });

  it('reports the age it used', () => {
    expect(gate({ esiaBirthDate: '2016-05-10' }).age).toBe(10);
    expect(gate({}).age).toBeNull();
  });
});

describe('dateInZone', () => {
  it('is the local calendar day of the region', () => {
    const moment = new Date('2026-05-09T22:30:00Z'); // 01:30 on 10 May in Moscow
    expect(dateInZone(moment, 'Europe/Moscow')).toBe('2026-05-10');
    expect(dateInZone(moment, 'UTC')).toBe('2026-05-09');
    expect(dateInZone(moment, 'Asia/Vladivostok')).toBe('2026-05-10');
  });
});
