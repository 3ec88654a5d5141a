import { OID_GOST_2012_256, publicKeyAlgorithmOid, SigningCertificateFile } from './certificate';
import { verifyGostSignature } from './gost-verify';
import { GOST_DIGEST_256_FLAG, GOST_ENGINE_ARGS, OpenSslCommonOptions, OpenSslError, runOpenSslOrThrow } from './openssl';
import { EsiaSigner, GOST_2012_256_SIGNATURE_LENGTH } from './signer';

export interface OpenSslGostSignerOptions extends OpenSslCommonOptions {
  /** PEM file with the GOST R 34.10-2012 256-bit private key (PKCS#8, optionally encrypted). */
  keyPath: string;
  /** The matching certificate (PEM or DER file) as registered on the ESIA tech portal. */
  certPath: string;
  /** Passphrase of an encrypted key. Handed to openssl via an environment variable (`-passin env:…`), never on argv. */
  keyPassphrase?: string;
}

const PASSPHRASE_ENV = 'ESIA_GOST_KEY_PASSPHRASE';

/**
 * {@link EsiaSigner} backed by the `openssl` CLI and Debian's GOST engine.
 *
 * sign: `openssl dgst -engine gost -md_gost12_256 -sign <keyPath> [-passin env:…]`, data on stdin,
 * raw 64-byte signature on stdout (already in ESIA's byte order; no reversal).
 * certificateHashHex: Streebog-256 of the certificate DER (computed once, then cached).
 * The key file is read by openssl on every call; the certificate is read once.
 */
export class OpenSslGostSigner implements EsiaSigner {
  private readonly certificate: SigningCertificateFile;

  constructor(private readonly options: OpenSslGostSignerOptions) {
    if (!options?.keyPath) throw new TypeError('OpenSslGostSigner: keyPath is required');
    if (!options.certPath) throw new TypeError('OpenSslGostSigner: certPath is required');
    this.certificate = new SigningCertificateFile(options.certPath, options);
  }

  async sign(data: Buffer | string): Promise<Buffer> {
    const args = ['dgst', ...GOST_ENGINE_ARGS, GOST_DIGEST_256_FLAG, '-sign', this.options.keyPath];
    let extraEnv: Record<string, string> | undefined;
    if (this.options.keyPassphrase !== undefined) {
      args.push('-passin', `env:${PASSPHRASE_ENV}`);
      extraEnv = { [PASSPHRASE_ENV]: this.options.keyPassphrase };
    }
    const signature = await runOpenSslOrThrow('GOST signing', args, {
      opensslPath: this.options.opensslPath,
      timeoutMs: this.options.timeoutMs,
      input: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
      extraEnv,
    });
    if (signature.length !== GOST_2012_256_SIGNATURE_LENGTH) {
      throw new OpenSslError(
        `GOST signing: expected a ${GOST_2012_256_SIGNATURE_LENGTH}-byte signature, got ${signature.length} bytes (is the key GOST R 34.10-2012 256-bit?)`,
        0,
        '',
      );
    }
    return signature;
  }

  certificateHashHex(): Promise<string> {
    return this.certificate.hashHex();
  }

  /** The signing certificate as DER (read from `certPath` once). */
  certificateDer(): Promise<Buffer> {
    return this.certificate.der();
  }

  /**
   * Start-up check: the certificate holds a GOST 2012-256 key and a probe signature made with the
   * private key verifies against it (i.e. key and certificate match). Throws otherwise.
   */
  async selfTest(): Promise<void> {
    const der = await this.certificateDer();
    const oid = publicKeyAlgorithmOid(der);
    if (oid !== OID_GOST_2012_256) {
      throw new Error(`OpenSslGostSigner: certificate key algorithm is ${oid}, expected GOST R 34.10-2012 256 (${OID_GOST_2012_256})`);
    }
    const probe = Buffer.from(`esia-signer-self-test:${Date.now()}`, 'utf8');
    const signature = await this.sign(probe);
    const ok = await verifyGostSignature(probe, signature, der, this.options);
    if (!ok) throw new Error('OpenSslGostSigner: private key does not match the certificate');
  }
}
