import { decodeFlexibleBase64, encodeBase64Url } from './encoding';

// 64 bytes whose encodings contain every special character: 0xf8..0xff produce "+/" resp. "-_".
const SIG = Buffer.from(Array.from({ length: 64 }, (_, i) => (i < 32 ? 0xf8 + (i % 8) : i * 3) & 0xff));
const STD_PADDED = SIG.toString('base64');
const URL_UNPADDED = SIG.toString('base64url');

describe('encodeBase64Url', () => {
  it('is base64url without padding (86 chars for 64 bytes)', () => {
    expect(encodeBase64Url(SIG)).toBe(URL_UNPADDED);
    expect(URL_UNPADDED).toHaveLength(86);
    expect(URL_UNPADDED).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(URL_UNPADDED).toMatch(/[-_]/);
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });
});

describe('decodeFlexibleBase64', () => {
  it('accepts base64url unpadded, base64url padded and standard base64 (padded or not)', () => {
    expect(STD_PADDED).toMatch(/[+/]/);
    expect(STD_PADDED.endsWith('==')).toBe(true);
    for (const s of [URL_UNPADDED, `${URL_UNPADDED}==`, STD_PADDED, STD_PADDED.replace(/=+$/, ''), `  ${URL_UNPADDED}\n`]) {
      expect(decodeFlexibleBase64(s)?.equals(SIG)).toBe(true);
    }
    expect(decodeFlexibleBase64('AAA')?.equals(Buffer.from([0, 0]))).toBe(true);
    expect(decodeFlexibleBase64('AA==')?.equals(Buffer.from([0]))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['only padding', '=='],
    ['mixed alphabets', 'ab+_'],
    ['invalid character', 'ab*d'],
    ['space inside (un-escaped + turned into space)', 'ab d'],
    ['padding in the middle', 'AA==AA'],
    ['wrong padding length', 'AA='],
    ['three padding chars', 'A==='],
    ['impossible length', 'AAAAA'],
    ['non-canonical trailing bits', 'AB'],
  ])('returns null for %s', (_label, input) => {
    expect(decodeFlexibleBase64(input)).toBeNull();
  });

  it('returns null for non-strings', () => {
    expect(decodeFlexibleBase64(undefined as unknown as string)).toBeNull();
  });
});
