import { GradeScale } from './entities/grade.entity';
import { WorkTypeSetting } from './entities/grading-settings.entity';
import { GradesErrors } from './grades.errors';

/** Work types every school starts with (its admin may change names and weights). */
export const DEFAULT_WORK_TYPES: WorkTypeSetting[] = [
  { code: 'answer', name: 'Ответ на уроке', weight: 1 },
  { code: 'homework', name: 'Домашняя работа', weight: 1 },
  { code: 'independent', name: 'Самостоятельная работа', weight: 1.5 },
  { code: 'test', name: 'Проверочная работа', weight: 1.5 },
  { code: 'control', name: 'Контрольная работа', weight: 2 },
];

export interface SchoolGrading {
  scale: GradeScale;
  workTypes: WorkTypeSetting[];
  roundingThreshold: number;
}

export const DEFAULT_GRADING: SchoolGrading = { scale: 'five_point', workTypes: DEFAULT_WORK_TYPES, roundingThreshold: 0.5 };

/** API value → stored value on the scale; null when it does not belong to the scale. */
export function toStoredValue(value: number | string, scale: GradeScale): number | null {
  if (scale === 'five_point') return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5 ? value : null;
  if (value === 'pass') return 1;
  if (value === 'fail') return 0;
  return null;
}

/** Stored value → API value (in common: the schedule's week views show grades too). */
export { toApiValue } from '../../common/grading/grade-value';

/** A value the API sent, stored on the school's scale; refused when the scale has no such value. */
export function storedValueOn(value: number | string, scale: GradeScale): number {
  const v = toStoredValue(value, scale);
  if (v === null) throw GradesErrors.valueNotInScale(scale);
  return v;
}

/** One of the school's work types by code, with its weight; refused when the school has no such type. */
export function workTypeOf(grading: SchoolGrading, code: string): WorkTypeSetting {
  const wt = grading.workTypes.find((w) => w.code === code);
  if (!wt) throw GradesErrors.unknownWorkType(grading.workTypes.map((w) => w.code));
  return wt;
}
