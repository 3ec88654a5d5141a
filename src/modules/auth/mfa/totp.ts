import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) as every authenticator app reads it: HMAC-SHA-1, 6 digits, 30-second steps, a
 * 160-bit secret. A code is accepted for the current step and one step either side (clock drift), and
 * never for a step at or before the last one accepted (RFC 6238 §5.2: no replay within the window).
 */
export const TOTP_ISSUER = 'Электронный дневник';
export const TOTP_PERIOD_SEC = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are still accepted. */
export const TOTP_WINDOW = 1;

const totp = (secret: string, account = ''): TOTP =>
  new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SEC,
  });

/** A new random secret, base32 (what the user may type into the app instead of scanning the QR code). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** `otpauth://totp/Электронный%20дневник:<login>?secret=…&issuer=…` for the QR code. */
export const totpUri = (secret: string, account: string): string => totp(secret, account).toString();

/** The time step (30-second counter since the epoch) of a moment. */
export const totpStep = (nowMs: number): number => TOTP.counter({ period: TOTP_PERIOD_SEC, timestamp: nowMs });

/** Digits only: spaces (apps show "123 456") are dropped; anything else makes it not a code. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'reused' };

/** Checks a code at `nowMs` against the secret and the last accepted step. Pure. */
export function checkTotp(secret: string, input: string, lastUsedStep: number | null, nowMs: number): TotpCheck {
  const code = normalizeTotpCode(input);
  if (!code) return { ok: false, reason: 'invalid' };
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totpStep(nowMs) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: 'reused' };
  return { ok: true, step };
}

/** The code of a step (tests and diagnostics). */
export const totpCodeAt = (secret: string, nowMs: number): string => totp(secret).generate({ timestamp: nowMs });
