/**
 * A stored grade value (smallint) as the API shows it: the number on the five-point scale, `pass`/`fail`
 * on the pass/fail scale (stored 1/0). The grades module owns the scales (grades/grading-rules.ts); this
 * sits in common because the schedule's week views show grades too, and schedule is below grades.
 */
export function toApiValue(value: number, scale: string): number | string {
  return scale === 'pass_fail' ? (value === 1 ? 'pass' : 'fail') : value;
}
