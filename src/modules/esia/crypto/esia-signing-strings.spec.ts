import {
  buildV1SigningString,
  buildV2AuthorizationSigningString,
  buildV3TokenSigningString,
  formatEsiaTimestamp,
  parseEsiaTimestamp,
} from './esia-signing-strings';

// The example of docs/esia.md "Strings signed" (fake values).
const DOC_EXAMPLE = {
  clientId: 'TESTSYS01',
  scope: 'openid fullname email',
  timestamp: '2025.03.14 10:20:30 +0300',
  state: '5b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10',
  redirectUri: 'https://app.example.test/esia/callback',
};

describe('ESIA signing strings', () => {
  it('v2 /ac: matches the docs/esia.md example exactly', () => {
    expect(buildV2AuthorizationSigningString(DOC_EXAMPLE)).toBe(
      'TESTSYS01openid fullname email2025.03.14 10:20:30 +03005b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10https://app.example.test/esia/callback',
    );
    // scopeOrg "" is the same as absent
    expect(buildV2AuthorizationSigningString({ ...DOC_EXAMPLE, scopeOrg: '' })).toBe(buildV2AuthorizationSigningString(DOC_EXAMPLE));
  });

  it('v2 /ac: scope_org goes right after scope; redirect_uri is raw (not URL-encoded)', () => {
    expect(
      buildV2AuthorizationSigningString({
        clientId: 'SCHOOL01',
        scope: 'openid fullname',
        scopeOrg: 'org_shortname org_fullname',
        timestamp: '2026.01.02 03:04:05 +0000',
        state: '11111111-2222-4333-8444-555555555555',
        redirectUri: 'https://diary.example.test/auth/esia/callback?x=1&y=2',
      }),
    ).toBe(
      'SCHOOL01openid fullnameorg_shortname org_fullname2026.01.02 03:04:05 +000011111111-2222-4333-8444-555555555555https://diary.example.test/auth/esia/callback?x=1&y=2',
    );
  });

  it('v3 /te authorization_code: appends the code', () => {
    expect(buildV3TokenSigningString({ ...DOC_EXAMPLE, state: 'e4a1c0de-1111-4222-8333-944455556666', code: 'AUTH.CODE-123' })).toBe(
      'TESTSYS01openid fullname email2025.03.14 10:20:30 +0300e4a1c0de-1111-4222-8333-944455556666https://app.example.test/esia/callbackAUTH.CODE-123',
    );
  });

  it('v3 /te refresh_token / client_credentials: no code, same layout as v2', () => {
    expect(buildV3TokenSigningString({ ...DOC_EXAMPLE, scopeOrg: 'org_emps' })).toBe(
      'TESTSYS01openid fullname emailorg_emps2025.03.14 10:20:30 +03005b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10https://app.example.test/esia/callback',
    );
  });

  it('legacy v1: scope + timestamp + client_id + state', () => {
    expect(buildV1SigningString(DOC_EXAMPLE)).toBe(
      'openid fullname email2025.03.14 10:20:30 +0300TESTSYS015b0f6a3e-8d2c-4f51-9a7e-2c1d0e9b4a10',
    );
  });

  it('does not normalise values (double spaces stay)', () => {
    expect(buildV2AuthorizationSigningString({ ...DOC_EXAMPLE, scope: 'openid  email' })).toContain('TESTSYS01openid  email2025');
  });

  it('rejects missing/empty required fields and an empty code', () => {
    expect(() => buildV2AuthorizationSigningString({ ...DOC_EXAMPLE, clientId: '' })).toThrow(/clientId/);
    expect(() => buildV2AuthorizationSigningString({ ...DOC_EXAMPLE, redirectUri: undefined as unknown as string })).toThrow(/redirectUri/);
    expect(() => buildV3TokenSigningString({ ...DOC_EXAMPLE, code: '' })).toThrow(/code/);
    expect(() => buildV1SigningString({ ...DOC_EXAMPLE, state: '' })).toThrow(/state/);
  });
});

describe('formatEsiaTimestamp', () => {
  it('defaults to UTC with +0000 and drops milliseconds', () => {
    expect(formatEsiaTimestamp(new Date('2025-03-14T07:20:30.999Z'))).toBe('2025.03.14 07:20:30 +0000');
    expect(formatEsiaTimestamp(new Date('2025-01-05T00:00:00.000Z'), 0)).toBe('2025.01.05 00:00:00 +0000');
  });

  it('writes local time for a positive offset (Moscow +0300)', () => {
    expect(formatEsiaTimestamp(new Date('2025-03-14T07:20:30Z'), 180)).toBe('2025.03.14 10:20:30 +0300');
  });

  it('handles offsets that cross day/month/year boundaries and non-hour offsets', () => {
    expect(formatEsiaTimestamp(new Date('2025-01-01T02:00:00Z'), -330)).toBe('2024.12.31 20:30:00 -0530');
    expect(formatEsiaTimestamp(new Date('2024-02-29T23:59:59Z'), 345)).toBe('2024.03.01 05:44:59 +0545');
    expect(formatEsiaTimestamp(new Date('2025-12-31T22:00:00Z'), 720)).toBe('2026.01.01 10:00:00 +1200');
  });

  it('rejects invalid dates and offsets', () => {
    expect(() => formatEsiaTimestamp(new Date('nope'))).toThrow(RangeError);
    expect(() => formatEsiaTimestamp(new Date(0), 1.5)).toThrow(RangeError);
    expect(() => formatEsiaTimestamp(new Date(0), 15 * 60)).toThrow(RangeError);
  });
});

describe('parseEsiaTimestamp', () => {
  it('parses to the exact instant', () => {
    expect(parseEsiaTimestamp('2025.03.14 10:20:30 +0300')?.toISOString()).toBe('2025-03-14T07:20:30.000Z');
    expect(parseEsiaTimestamp('2024.12.31 20:30:00 -0530')?.toISOString()).toBe('2025-01-01T02:00:00.000Z');
    expect(parseEsiaTimestamp('2024.02.29 00:00:00 +0000')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('round-trips with formatEsiaTimestamp', () => {
    const d = new Date('2031-07-09T18:05:07Z');
    for (const off of [0, 180, -300, 345, 840, -720]) {
      expect(parseEsiaTimestamp(formatEsiaTimestamp(d, off))?.getTime()).toBe(d.getTime());
    }
  });

  it.each([
    '2025.02.29 00:00:00 +0000', // not a leap year
    '2025.04.31 00:00:00 +0000',
    '2025.13.01 00:00:00 +0000',
    '2025.00.10 00:00:00 +0000',
    '2025.03.14 24:00:00 +0000',
    '2025.03.14 10:60:00 +0000',
    '2025.03.14 10:20:60 +0000',
    '2025.03.14 10:20:30 +0360',
    '2025.03.14 10:20:30 +1500',
    '2025.03.14 10:20:30 0300', // "+" lost to form decoding
    '2025.03.14 10:20:30 +03:00',
    '2025.3.14 10:20:30 +0300',
    '2025-03-14 10:20:30 +0300',
    '2025.03.14T10:20:30 +0300',
    ' 2025.03.14 10:20:30 +0300',
    '2025.03.14 10:20:30 +0300 ',
    '',
  ])('rejects %j', (value) => {
    expect(parseEsiaTimestamp(value)).toBeNull();
  });
});
