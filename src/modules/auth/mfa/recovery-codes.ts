import { randomBytes } from 'node:crypto';

/** Ten one-time recovery codes are issued at a time. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * 32 symbols without the look-alikes 0/o, 1/l: 5 bits per symbol, so a byte masked to 5 bits picks one
 * without bias. Ten symbols carry 50 bits: far out of reach of guessing through a rate-limited sign-in
 * (and the hashes are keyed, see MfaService), which is why a fast keyed hash suffices for storage.
 */
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
const LENGTH = 10;

/** `abcde-23456`: ten random symbols shown in two groups. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(LENGTH);
  const s = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export const newRecoveryCodes = (n = RECOVERY_CODE_COUNT): string[] => Array.from({ length: n }, newRecoveryCode);

/** The canonical form (lower case, no spaces or hyphens), or null when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const s = input.toLowerCase().replace(/[\s-]+/g, '');
  if (s.length !== LENGTH) return null;
  for (const c of s) if (!ALPHABET.includes(c)) return null;
  return s;
}
