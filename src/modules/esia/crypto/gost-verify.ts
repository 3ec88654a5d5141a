import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OID_GOST_2012_256, publicKeyAlgorithmOid, publicKeyPemFromCertificate } from './certificate';
import { decodeFlexibleBase64 } from './encoding';
import { GOST_DIGEST_256_FLAG, GOST_ENGINE_ARGS, OpenSslCommonOptions, OpenSslError, runOpenSsl } from './openssl';
import { GOST_2012_256_SIGNATURE_LENGTH } from './signer';

export { decodeFlexibleBase64 } from './encoding';

/**
 * Verifies a raw GOST R 34.10-2012 (256) signature with GOST R 34.11-2012 (256) digest — the ESIA
 * v2/v3 `client_secret` — against the public key of `certificate` (PEM text or DER bytes):
 *
 *   openssl dgst -engine gost -md_gost12_256 -verify <tmp>/pub.pem -signature <tmp>/sig.bin   (data on stdin)
 *
 * `signature` is raw bytes or a string in base64url (padded or not) or standard base64
 * ({@link decodeFlexibleBase64}). The signature is expected in s‖r order as OpenSSL emits it.
 *
 * Resolves `true`/`false`; a signature that does not decode or is not 64 bytes is `false`.
 * Throws (OpenSslError / Error) only for infrastructure problems: bad certificate, a non-GOST-256
 * certificate key, openssl/engine missing, timeout.
 * Temporary files live in a private (0700) directory with 0600 files and are always removed.
 */
export async function verifyGostSignature(
  data: Buffer | string,
  signature: Buffer | Uint8Array | string,
  certificate: string | Buffer,
  options: OpenSslCommonOptions = {},
): Promise<boolean> {
  const oid = publicKeyAlgorithmOid(certificate);
  if (oid !== OID_GOST_2012_256) {
    throw new Error(`verifyGostSignature: certificate key algorithm is ${oid}, expected GOST R 34.10-2012 256 (${OID_GOST_2012_256})`);
  }
  const pubPem = publicKeyPemFromCertificate(certificate);

  const sig = typeof signature === 'string' ? decodeFlexibleBase64(signature) : Buffer.from(signature);
  if (!sig || sig.length !== GOST_2012_256_SIGNATURE_LENGTH) return false;

  const dir = await mkdtemp(join(tmpdir(), 'esia-gost-verify-'));
  try {
    const pubPath = join(dir, 'pub.pem');
    const sigPath = join(dir, 'sig.bin');
    await writeFile(pubPath, pubPem, { mode: 0o600 });
    await writeFile(sigPath, sig, { mode: 0o600 });
    const result = await runOpenSsl(['dgst', ...GOST_ENGINE_ARGS, GOST_DIGEST_256_FLAG, '-verify', pubPath, '-signature', sigPath], {
      ...options,
      input: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    });
    const out = result.stdout.toString('utf8');
    if (result.exitCode === 0 && out.includes('Verified OK')) return true;
    if (result.exitCode === 1 && out.includes('Verification failure')) return false;
    throw new OpenSslError(
      `GOST signature verification could not run (openssl exit code ${result.exitCode})${result.stderr ? `: ${result.stderr}` : ''}`,
      result.exitCode,
      result.stderr,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
