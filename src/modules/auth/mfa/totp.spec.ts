import { checkTotp, newTotpSecret, normalizeTotpCode, totpCodeAt, totpStep, totpUri } from './totp';

/** RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890". */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (unixSec: number): number => unixSec * 1000;

describe('TOTP', () => {
  it('matches the RFC 6238 test vectors (last six digits)', () => {
    expect(totpCodeAt(RFC_SECRET, at(59))).toBe('287082');
    expect(totpCodeAt(RFC_SECRET, at(1111111109))).toBe('081804');
    expect(totpCodeAt(RFC_SECRET, at(1234567890))).toBe('005924');
    expect(totpCodeAt(RFC_SECRET, at(2000000000))).toBe('279037');
    expect(totpCodeAt(RFC_SECRET, at(20000000000))).toBe('353130');
  });

  it('accepts the current step and one either side, not two away, and says which step matched', () => {
    const t = at(1_800_000_015);
    const step = totpStep(t);
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t), null, t)).toEqual({ ok: true, step });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t - 30_000), null, t)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t + 30_000), null, t)).toEqual({ ok: true, step: step + 1 });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t - 60_000), null, t)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t + 60_000), null, t)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a code of a step at or before the last accepted one (no replay within the window)', () => {
    const t = at(1_800_000_015);
    const step = totpStep(t);
    const code = totpCodeAt(RFC_SECRET, t);
    expect(checkTotp(RFC_SECRET, code, step, t)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(RFC_SECRET, code, step, t + 30_000)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t - 30_000), step, t)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(RFC_SECRET, totpCodeAt(RFC_SECRET, t + 30_000), step, t)).toEqual({ ok: true, step: step + 1 });
    expect(checkTotp(RFC_SECRET, code, step - 1, t)).toEqual({ ok: true, step });
  });

  it('takes "123 456" as 123456 and refuses anything that is not six digits', () => {
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    for (const bad of ['', '12345', '1234567', '12345a', '１２３４５６', '123-456']) expect(normalizeTotpCode(bad)).toBeNull();
    const t = at(1_800_000_015);
    const code = totpCodeAt(RFC_SECRET, t);
    expect(checkTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, null, t).ok).toBe(true);
    expect(checkTotp(RFC_SECRET, 'abcdef', null, t)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('makes 160-bit base32 secrets and an otpauth URI with the issuer and the login', () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(s);
    const uri = new URL(totpUri(s, 'ivanova.mp'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Электронный дневник:ivanova.mp');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Электронный дневник',
      secret: s,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
