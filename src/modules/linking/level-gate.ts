import { EsiaAccountLevel } from '../esia/identity-provider';

/**
 * Age-based ESIA account level gate (docs/domain.md §4 "Account level"): users aged 14 and over need a
 * "Стандартная" or "Подтверждённая" account; under 14 a "Упрощённая" one is enough. Age is counted on the day of login
 * (in the region's time zone) from ESIA's birth date, or the diary profile's when ESIA gives none.
 * Unknown age is treated as 14+ (the stricter rule). Born on 29 February: a year older from 1 March
 * in non-leap years.
 */
export const ADULT_LEVEL_AGE = 14;

const RANK: Record<EsiaAccountLevel, number> = { simplified: 0, standard: 1, confirmed: 2 };

/** Full years between two `YYYY-MM-DD` dates; null when either is not a date or birth is in the future. */
export function ageOn(birthDate: string, today: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !t) return null;
  const [by, bm, bd] = b.slice(1).map(Number);
  const [ty, tm, td] = t.slice(1).map(Number);
  const age = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  return age < 0 ? null : age;
}

export interface LevelGateInput {
  level: EsiaAccountLevel;
  /** ESIA's birth date; preferred. */
  esiaBirthDate: string | null;
  /** The diary profile's birth date; used when ESIA gives none. */
  diaryBirthDate: string | null;
  /** The day of login, `YYYY-MM-DD`. */
  today: string;
}

export interface LevelGateResult {
  ok: boolean;
  age: number | null;
  requiredLevel: 'simplified' | 'standard';
}

export function checkAccountLevel(i: LevelGateInput): LevelGateResult {
  const birth = i.esiaBirthDate ?? i.diaryBirthDate;
  const age = birth ? ageOn(birth, i.today) : null;
  const requiredLevel = age !== null && age < ADULT_LEVEL_AGE ? 'simplified' : 'standard';
  return { ok: RANK[i.level] >= RANK[requiredLevel], age, requiredLevel };
}
