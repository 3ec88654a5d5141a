import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

import { EsiaTokenAlgorithm } from '../../config/app-config';
import { certificatesToDer, OID_GOST_2012_256, publicKeyAlgorithmOid } from './crypto/certificate';

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** File name endings taken from a directory of ESIA certificates (esia.zip ships `.cer`; PEM copies are often `.pem`/`.crt`). */
export const CERTIFICATE_FILE_EXTENSIONS = ['.cer', '.crt', '.pem', '.der'] as const;

/** One ESIA token-signing certificate, ready for checking signatures of its algorithm. */
export interface TrustedTokenCertificate {
  /** Where it came from (file name, `#n` for the n-th block of a bundle): for logs and the admin report. */
  source: string;
  /** The JWS `alg` its key checks. */
  alg: EsiaTokenAlgorithm;
  der: Buffer;
  /** RSA public key (RS256 only; GOST keys are handed to openssl as the certificate). */
  rsaKey?: KeyObject;
  subject: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /**
   * Identifiers a JWS header could name it by (`kid`, `x5t`, `x5t#S256`): SHA-1 and SHA-256 thumbprints
   * (hex and base64url) and the serial number, lower-case. ESIA has not been seen sending any of them.
   */
  ids: string[];
}

/** A file or block that cannot check ESIA tokens (reported, not fatal: the others still work). */
export interface SkippedCertificate {
  source: string;
  reason: string;
}

export interface CertificateSource {
  source: string;
  data: Buffer;
}

/**
 * Reads `paths` (files, or directories whose `.cer`/`.crt`/`.pem`/`.der` files are all taken, not
 * recursively, in name order). Throws when a path cannot be read.
 */
export async function readCertificateSources(paths: readonly string[]): Promise<CertificateSource[]> {
  const out: CertificateSource[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path))
        .filter((n) => (CERTIFICATE_FILE_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()))
        .sort();
      for (const name of names) out.push({ source: name, data: await readFile(join(path, name)) });
    } else {
      out.push({ source: basename(path), data: await readFile(path) });
    }
  }
  return out;
}

/**
 * Names, sizes and modification times of what {@link readCertificateSources} would read: it changes
 * when a certificate file is added to a directory, replaced or removed. Unreadable paths count as such.
 */
export async function certificateSourcesFingerprint(paths: readonly string[]): Promise<string> {
  const parts: string[] = [];
  const describe = async (path: string): Promise<string> => {
    const st = await stat(path).catch(() => null);
    return st ? `${path}:${st.size}:${st.mtimeMs}` : `${path}:missing`;
  };
  for (const path of paths) {
    const st = await stat(path).catch(() => null);
    if (st?.isDirectory()) {
      const names = (await readdir(path).catch(() => [] as string[]))
        .filter((n) => (CERTIFICATE_FILE_EXTENSIONS as readonly string[]).includes(extname(n).toLowerCase()))
        .sort();
      for (const name of names) parts.push(await describe(join(path, name)));
    } else {
      parts.push(await describe(path));
    }
  }
  return parts.join('|');
}

function algorithmOf(der: Buffer): { alg: EsiaTokenAlgorithm } | { unsupported: string } {
  const oid = publicKeyAlgorithmOid(der);
  if (oid === OID_RSA_ENCRYPTION) return { alg: 'RS256' };
  if (oid === OID_GOST_2012_256) return { alg: 'GOST3410_2012_256' };
  return { unsupported: `key algorithm ${oid} checks neither RS256 nor GOST3410_2012_256` };
}

function identifiers(der: Buffer, serialNumber: string): string[] {
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();
  return [sha1.toString('hex'), sha256.toString('hex'), sha1.toString('base64url'), sha256.toString('base64url'), serialNumber].map((s) =>
    s.toLowerCase(),
  );
}

/** Parses PEM (one or several blocks) or DER certificates into {@link TrustedTokenCertificate}s; unusable ones are skipped with a reason. */
export function parseTrustedCertificates(sources: readonly CertificateSource[]): {
  certificates: TrustedTokenCertificate[];
  skipped: SkippedCertificate[];
} {
  const certificates: TrustedTokenCertificate[] = [];
  const skipped: SkippedCertificate[] = [];
  for (const { source, data } of sources) {
    let ders: Buffer[];
    try {
      ders = certificatesToDer(data);
    } catch (e) {
      skipped.push({ source, reason: `not a certificate (PEM or DER): ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    ders.forEach((der, i) => {
      const name = ders.length > 1 ? `${source}#${i + 1}` : source;
      try {
        const kind = algorithmOf(der);
        if ('unsupported' in kind) {
          skipped.push({ source: name, reason: kind.unsupported });
          return;
        }
        const x509 = new X509Certificate(der);
        certificates.push({
          source: name,
          alg: kind.alg,
          der,
          rsaKey: kind.alg === 'RS256' ? x509.publicKey : undefined,
          subject: x509.subject.replace(/\n/g, ', '),
          serialNumber: x509.serialNumber,
          validFrom: new Date(x509.validFrom),
          validTo: new Date(x509.validTo),
          ids: identifiers(der, x509.serialNumber),
        });
      } catch (e) {
        skipped.push({ source: name, reason: `unreadable certificate: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
  }
  return { certificates, skipped };
}

/** Certificates from PEM/DER contents given directly (tests, tools); throws when none of them is usable. */
export function trustedCertificatesFrom(...inputs: Array<string | Buffer>): TrustedTokenCertificate[] {
  const { certificates, skipped } = parseTrustedCertificates(inputs.map((data, i) => ({ source: `#${i + 1}`, data: Buffer.from(data) })));
  if (certificates.length === 0)
    throw new Error(`ESIA trusted certificates: none usable${skipped.length ? ` (${skipped.map((s) => s.reason).join('; ')})` : ''}`);
  return certificates;
}
