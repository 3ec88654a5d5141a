import { formatSnils, isValidSnils, normalizeSnils } from './snils';

describe('SNILS', () => {
  // Checksums computed by hand: 112233445 → 1*9+1*8+2*7+2*6+3*5+3*4+4*3+4*2+5*1 = 95.
  it('accepts a number whose control digits match (sum < 100)', () => {
    expect(isValidSnils('112-233-445 95')).toBe(true);
    expect(isValidSnils('11223344595')).toBe(true);
  });
  // 987654321 → 9*9+8*8+7*7+6*6+5*5+4*4+3*3+2*2+1*1 = 285; 285 mod 101 = 83.
  it('uses sum mod 101 for large sums', () => {
    expect(isValidSnils('987-654-321 83')).toBe(true);
    expect(isValidSnils('987-654-321 84')).toBe(false);
  });
  // 111111111 → 9+8+7+6+5+4+3+2+1 = 45.
  it('rejects a wrong checksum, wrong length and letters', () => {
    expect(isValidSnils('111-111-111 45')).toBe(true);
    expect(isValidSnils('111-111-111 46')).toBe(false);
    expect(isValidSnils('111-111-111 4')).toBe(false);
    expect(isValidSnils('111-111-11a 45')).toBe(false);
  });
  it('rejects numbers in the range without checksums', () => {
    expect(isValidSnils('001-001-998 00')).toBe(false);
  });
  it('maps sums of 100 and 101 to 00', () => {
    // 333311001 → 27+24+21+18+5+4+0+0+1 = 100
    expect(isValidSnils('333-311-001 00')).toBe(true);
    // 3 3 3 3 1 1 0 0 2 → 101
    expect(isValidSnils('333-311-002 00')).toBe(true);
  });
  it('normalizes and formats', () => {
    expect(normalizeSnils(' 112-233 445-95 ')).toBe('11223344595');
    expect(formatSnils('11223344595')).toBe('112-233-445 95');
  });
});
