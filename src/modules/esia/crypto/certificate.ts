import { readFile } from 'node:fs/promises';

import { OpenSslCommonOptions, streebog256 } from './openssl';

/** OID of GOST R 34.10-2012 with a 256-bit key (id-tc26-gost3410-12-256). */
export const OID_GOST_2012_256 = '1.2.643.7.1.1.1.1';
/** OID of GOST R 34.10-2012 with a 512-bit key (id-tc26-gost3410-12-512). */
export const OID_GOST_2012_512 = '1.2.643.7.1.1.1.2';

const PEM_CERT_RE = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/;

/**
 * Certificate bytes in DER form from either PEM text (first CERTIFICATE block) or DER bytes.
 * Throws on anything else. Pure Node, no openssl.
 */
export function certificateToDer(certificate: string | Buffer): Buffer {
  const text = typeof certificate === 'string' ? certificate : null;
  if (text !== null || certificate.includes('-----BEGIN')) {
    const pem = text ?? certificate.toString('latin1');
    const m = PEM_CERT_RE.exec(pem);
    if (!m) throw new Error('certificate: no PEM CERTIFICATE block found');
    const body = m[1].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0 || body.length === 0) {
      throw new Error('certificate: PEM body is not valid base64');
    }
    const der = Buffer.from(body, 'base64');
    assertSingleDerSequence(der);
    return der;
  }
  const der = Buffer.from(certificate);
  assertSingleDerSequence(der);
  return der;
}

const PEM_CERT_RE_ALL = new RegExp(PEM_CERT_RE.source, 'g');

/**
 * Every certificate in `input` as DER: all CERTIFICATE blocks of PEM text (a bundle), or the one DER
 * certificate of a binary `.cer` file as ESIA ships them in esia.zip. Throws when there is none.
 */
export function certificatesToDer(input: string | Buffer): Buffer[] {
  const text = typeof input === 'string' ? input : input.includes('-----BEGIN') ? input.toString('latin1') : null;
  if (text === null) return [certificateToDer(input)];
  const blocks = text.match(PEM_CERT_RE_ALL) ?? [];
  if (blocks.length === 0) throw new Error('certificate: no PEM CERTIFICATE block found');
  return blocks.map((b) => certificateToDer(b));
}

/** PEM text (64-column base64) for DER bytes with the given label, e.g. `CERTIFICATE`, `PUBLIC KEY`. */
export function derToPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

interface Tlv {
  tag: number;
  /** offset of the tag byte */
  start: number;
  /** offset of the first content byte */
  contentStart: number;
  /** offset just past the content */
  end: number;
}

function readTlv(buf: Buffer, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw new Error('certificate: truncated DER');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('certificate: unsupported multi-byte DER tag');
  const first = buf[offset + 1];
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('certificate: unsupported DER length encoding');
    if (offset + 2 + n > limit) throw new Error('certificate: truncated DER');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i];
    contentStart = offset + 2 + n;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error('certificate: truncated DER');
  return { tag, start: offset, contentStart, end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = parent.contentStart;
  while (off < parent.end) {
    const t = readTlv(buf, off, parent.end);
    out.push(t);
    off = t.end;
  }
  return out;
}

function assertSingleDerSequence(der: Buffer): void {
  const top = readTlv(der, 0);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('certificate: not a single DER SEQUENCE');
}

function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new Error('certificate: empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts[0];
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

function subjectPublicKeyInfoTlv(der: Buffer): Tlv {
  const cert = readTlv(der, 0);
  if (cert.tag !== 0x30) throw new Error('certificate: not a DER SEQUENCE');
  const tbs = readTlv(der, cert.contentStart, cert.end);
  if (tbs.tag !== 0x30) throw new Error('certificate: bad tbsCertificate');
  const fields = children(der, tbs);
  // [0] version (optional), serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const spki = rest[5];
  if (!spki || spki.tag !== 0x30 || rest[0].tag !== 0x02) throw new Error('certificate: cannot locate subjectPublicKeyInfo');
  return spki;
}

/** DER of the certificate's SubjectPublicKeyInfo (what openssl reads as a `PUBLIC KEY`). */
export function extractSubjectPublicKeyInfo(certificate: string | Buffer): Buffer {
  const der = certificateToDer(certificate);
  const spki = subjectPublicKeyInfoTlv(der);
  return Buffer.from(der.subarray(spki.start, spki.end));
}

/** `-----BEGIN PUBLIC KEY-----` PEM of the certificate's public key (usable with `openssl dgst -verify`). */
export function publicKeyPemFromCertificate(certificate: string | Buffer): string {
  return derToPem(extractSubjectPublicKeyInfo(certificate), 'PUBLIC KEY');
}

/** Dotted OID of the certificate's public-key algorithm, e.g. {@link OID_GOST_2012_256}. */
export function publicKeyAlgorithmOid(certificate: string | Buffer): string {
  const der = certificateToDer(certificate);
  const spki = subjectPublicKeyInfoTlv(der);
  const [algId] = children(der, spki);
  if (!algId || algId.tag !== 0x30) throw new Error('certificate: bad SubjectPublicKeyInfo');
  const [oid] = children(der, algId);
  if (!oid || oid.tag !== 0x06) throw new Error('certificate: bad public key AlgorithmIdentifier');
  return decodeOid(der.subarray(oid.contentStart, oid.end));
}

/**
 * ESIA `client_certificate_hash`: GOST R 34.11-2012 256-bit (Streebog-256) digest of the
 * certificate's **DER** bytes (never of the PEM text), as 64 upper-case hex chars (docs/esia.md "Strings signed").
 * The DER is derived in Node; the digest is `openssl dgst -engine gost -md_gost12_256 -binary`.
 */
export async function computeCertificateHashHex(certificate: string | Buffer, options: OpenSslCommonOptions = {}): Promise<string> {
  const der = certificateToDer(certificate);
  return (await streebog256(der, options)).toString('hex').toUpperCase();
}

/**
 * The IS certificate file of a signer (PEM or DER), read once, and its `client_certificate_hash`,
 * computed once. Failures are not cached (a transient timeout is retried on the next call).
 */
export class SigningCertificateFile {
  private derPromise?: Promise<Buffer>;
  private hashPromise?: Promise<string>;

  constructor(
    private readonly path: string,
    private readonly openssl: OpenSslCommonOptions = {},
  ) {}

  der(): Promise<Buffer> {
    if (!this.derPromise) {
      this.derPromise = readFile(this.path).then((raw) => certificateToDer(raw));
      this.derPromise.catch(() => (this.derPromise = undefined));
    }
    return this.derPromise;
  }

  hashHex(): Promise<string> {
    if (!this.hashPromise) {
      this.hashPromise = this.der().then((der) => computeCertificateHashHex(der, this.openssl));
      this.hashPromise.catch(() => (this.hashPromise = undefined));
    }
    return this.hashPromise;
  }
}
