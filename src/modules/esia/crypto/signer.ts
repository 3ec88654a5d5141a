import { encodeBase64Url } from './encoding';

/**
 * Produces the ESIA v2/v3 `client_secret` signature and the `client_certificate_hash`
 * (docs/esia.md "Strings signed", "Signers"). Implementations: {@link OpenSslGostSigner}
 * (`./openssl-gost-signer`, the default) and {@link CryptoProCspSigner} (`./cryptopro-csp-signer`,
 * ESIA_SIGNER=cryptopro).
 *
 * Byte order contract: `sign()` returns the raw 64-byte GOST R 34.10-2012 (256) signature in the
 * order OpenSSL's gost engine emits it (s‖r, big-endian) — the order ESIA expects, also used by
 * BouncyCastle and CryptoPro JCP. A signer backed by CryptoPro **CSP** (`csptest -keyset -sign`,
 * `CPRawSignature.SignHash`) gets the little-endian mirror image from CSP and MUST pass it
 * through {@link reverseBytes} before returning it.
 */
export interface EsiaSigner {
  /** Raw GOST R 34.10-2012 (256-bit) signature with GOST R 34.11-2012 (256) digest over `data` (UTF-8 if a string): 64 bytes, s‖r. */
  sign(data: Buffer | string): Promise<Buffer>;
  /** Streebog-256 of the signing certificate's DER, 64 upper-case hex chars (`client_certificate_hash`). */
  certificateHashHex(): Promise<string>;
}

/** Nest injection token for the {@link EsiaSigner} (use with `{ provide: ESIA_SIGNER, useFactory: ... }`). */
export const ESIA_SIGNER = Symbol('ESIA_SIGNER');

/** Length of a raw GOST R 34.10-2012 256-bit signature. */
export const GOST_2012_256_SIGNATURE_LENGTH = 64;

/**
 * New buffer with the bytes in reverse order. Converts CryptoPro CSP's little-endian raw GOST
 * signature into the s‖r big-endian form ESIA wants (and back). Does not modify its input.
 */
export function reverseBytes(data: Uint8Array): Buffer {
  const out = Buffer.from(data);
  out.reverse();
  return out;
}

/** Convenience: `client_secret` value = base64url (no padding) of `signer.sign(signingString)`. */
export async function signClientSecret(signer: EsiaSigner, signingString: string): Promise<string> {
  return encodeBase64Url(await signer.sign(signingString));
}
