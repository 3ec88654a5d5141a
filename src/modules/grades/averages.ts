/**
 * The one rule for averages. Pure, exact (integer arithmetic on hundredths, no float drift), unit-tested.
 *
 * - Only five-point marks count; pass/fail marks are not averaged.
 * - Weighted mean: Σ(value × weight) / Σ(weight), weights with up to two decimals.
 * - `average` is rounded half-up to two decimals (4.625 → 4.63).
 * - `suggested` is the period mark the average points to: the whole part, plus one when the
 *   fractional part reaches the school's threshold (0.5 by default: 4.5 → 5, 4.49 → 4).
 */
export interface Mark {
  value: number;
  weight: number;
  scale: 'five_point' | 'pass_fail';
}

export interface AverageResult {
  average: number | null;
  suggested: number | null;
  count: number;
  weightSum: number;
}

const hundredths = (x: number): number => Math.round(x * 100);

export function weightedAverage(marks: readonly Mark[], threshold = 0.5): AverageResult {
  let num = 0; // Σ value × weight×100
  let den = 0; // Σ weight×100
  let count = 0;
  for (const m of marks) {
    if (m.scale !== 'five_point') continue;
    const w = hundredths(m.weight);
    if (w <= 0) continue;
    num += m.value * w;
    den += w;
    count++;
  }
  if (den === 0) return { average: null, suggested: null, count: 0, weightSum: 0 };
  // average × 100, rounded half up: floor((2·num·100 + den) / (2·den))
  const avg100 = Math.floor((2 * num * 100 + den) / (2 * den));
  const whole = Math.floor(num / den);
  const fracNum = num - whole * den; // fractional part = fracNum / den
  const suggested = Math.min(5, whole + (fracNum * 100 >= hundredths(threshold) * den ? 1 : 0));
  return { average: avg100 / 100, suggested, count, weightSum: den / 100 };
}
