import { Mark, weightedAverage } from './averages';

const five = (value: number, weight = 1): Mark => ({ value, weight, scale: 'five_point' });

describe('weightedAverage (hand-computed)', () => {
  it('weights marks: 5, 4 (weight 1) and 3 (weight 2) → 15/4 = 3.75 → 4', () => {
    expect(weightedAverage([five(5), five(4), five(3, 2)])).toEqual({ average: 3.75, suggested: 4, count: 3, weightSum: 4 });
  });

  it('rounds the average half-up to two decimals: 5×2 + 4 → 14/3 = 4.666… → 4.67 → 5', () => {
    expect(weightedAverage([five(5, 2), five(4)])).toEqual({ average: 4.67, suggested: 5, count: 2, weightSum: 3 });
  });

  it('is exact where floating point is not: 37/8 = 4.625 → 4.63 (Math.round(4.625*100) would give 4.62)', () => {
    const marks = [five(5), five(5), five(5), five(5), five(5), five(4), five(4), five(4)]; // 25 + 12 = 37
    expect(weightedAverage(marks).average).toBe(4.63);
  });

  it('rounds up at the threshold: 4.5 → 5 at 0.5, → 4 at 0.6; 4.6 → 5 at 0.6', () => {
    expect(weightedAverage([five(4), five(5)]).suggested).toBe(5);
    expect(weightedAverage([five(4), five(5)], 0.6).suggested).toBe(4);
    // 4×2 + 5×3 = 23 / 5 = 4.6
    expect(weightedAverage([five(4, 2), five(5, 3)], 0.6)).toMatchObject({ average: 4.6, suggested: 5 });
  });

  it('just below the threshold stays down: 3×1 + 4×1.5 + 2×0.5 = 10/3 = 3.33 → 3', () => {
    expect(weightedAverage([five(3), five(4, 1.5), five(2, 0.5)])).toEqual({ average: 3.33, suggested: 3, count: 3, weightSum: 3 });
  });

  it('fractional weights: 3×1.5 + 4×1 = 8.5/2.5 = 3.4 → 3', () => {
    expect(weightedAverage([five(3, 1.5), five(4)])).toMatchObject({ average: 3.4, suggested: 3 });
  });

  it('a 2.5 average with weight 0.25 marks: (2×0.25 + 3×0.25)/0.5 = 2.5 → 3', () => {
    expect(weightedAverage([five(2, 0.25), five(3, 0.25)])).toMatchObject({ average: 2.5, suggested: 3, weightSum: 0.5 });
  });

  it('ignores pass/fail marks and answers null with no five-point marks', () => {
    expect(weightedAverage([])).toEqual({ average: null, suggested: null, count: 0, weightSum: 0 });
    expect(weightedAverage([{ value: 1, weight: 1, scale: 'pass_fail' }])).toEqual({
      average: null,
      suggested: null,
      count: 0,
      weightSum: 0,
    });
    expect(weightedAverage([five(5), { value: 0, weight: 1, scale: 'pass_fail' }])).toMatchObject({ average: 5, suggested: 5, count: 1 });
  });

  it('never suggests more than 5 and handles all-5 and all-1', () => {
    expect(weightedAverage([five(5), five(5, 2)])).toMatchObject({ average: 5, suggested: 5 });
    expect(weightedAverage([five(1), five(1, 2)])).toMatchObject({ average: 1, suggested: 1 });
  });
});
