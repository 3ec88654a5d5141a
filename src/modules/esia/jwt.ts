import { createSign, KeyObject } from 'node:crypto';

/** Compact JWS helpers. Used by the token verifier and by the ESIA emulator to mint tokens (RS256 and GOST3410_2012_256). */

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  header: JsonObject;
  payload: JsonObject;
  /** `HEADER.PAYLOAD` exactly as received (what the signature covers). */
  signingInput: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonPart(part: string): JsonObject | null {
  if (!B64URL.test(part) || part.length === 0) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

/** Splits and decodes a compact JWS without verifying anything; null when malformed. */
export function decodeJwt(token: unknown): DecodedJwt | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !B64URL.test(parts[2])) return null;
  const header = decodeJsonPart(parts[0]);
  const payload = decodeJsonPart(parts[1]);
  if (!header || !payload) return null;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

const encodePart = (value: JsonObject): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Signs `header.payload` with RSA-SHA256 (the header must say `alg: RS256`). */
export function signRs256Jwt(header: JsonObject, payload: JsonObject, privateKey: KeyObject | string): string {
  if (header.alg !== 'RS256') throw new TypeError('signRs256Jwt: header.alg must be RS256');
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Signs `header.payload` with any signer of the raw signature bytes, e.g. a GOST R 34.10-2012 signer for
 * `alg: GOST3410_2012_256` (64 bytes in OpenSSL's order, docs/esia.md "Tokens signed with GOST").
 */
export async function signJwtWith(
  header: JsonObject,
  payload: JsonObject,
  sign: (signingInput: string) => Promise<Buffer>,
): Promise<string> {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  return `${input}.${(await sign(input)).toString('base64url')}`;
}

/** Builds an unsigned-style token with an arbitrary header and signature (tests of the verifier). */
export function assembleJwt(header: JsonObject, payload: JsonObject, signature: Buffer = Buffer.alloc(0)): string {
  return `${encodePart(header)}.${encodePart(payload)}.${signature.toString('base64url')}`;
}
