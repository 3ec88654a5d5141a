import { newRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';

describe('recovery codes', () => {
  it('are ten random symbols of the unambiguous alphabet in two groups', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[2-9a-km-np-z]{5}-[2-9a-km-np-z]{5}$/);
    // every symbol shows up over many codes (the 5-bit mask covers the whole alphabet)
    const seen = new Set(Array.from({ length: 400 }, newRecoveryCode).join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });

  it('normalise case, spaces and hyphens; refuse wrong length and look-alike symbols', () => {
    expect(normalizeRecoveryCode(' ABCDE-23456 ')).toBe('abcde23456');
    expect(normalizeRecoveryCode('abcde 23456')).toBe('abcde23456');
    for (const bad of ['', 'abcde-2345', 'abcde-234567', 'abcde-2345o', 'abcde-23451', 'abcdl-23456', 'абвгд-23456']) {
      expect(normalizeRecoveryCode(bad)).toBeNull();
    }
  });
});
