import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SigningCertificateFile } from './certificate';
import { runProcess } from './child-process';
import { OpenSslCommonOptions } from './openssl';
import { EsiaSigner, GOST_2012_256_SIGNATURE_LENGTH, reverseBytes } from './signer';

export interface CryptoProCspSignerOptions {
  /** Path of CryptoPro CSP's `csptest` (usually `/opt/cprocsp/bin/amd64/csptest`). */
  csptestPath: string;
  /** Key container name, e.g. `\\.\HDIMAGE\diary` (list them with `csptest -keyset -enum_cont -fqcn -verifyc`). */
  container: string;
  /** Container password (PIN); null when the container has none. */
  pin?: string | null;
  /** The key of the container that signs: `exchange` (default, as in ESIA guides) or `signature`. */
  keyType?: 'exchange' | 'signature';
  /** The IS certificate (PEM or DER) registered on the ESIA tech portal: its hash is `client_certificate_hash`. */
  certPath: string;
  /** Kill csptest and fail after this many ms (default 15 000). */
  timeoutMs?: number;
  /** openssl for the certificate hash (Streebog-256 of the certificate; hashing is not signing). */
  openssl?: OpenSslCommonOptions;
}

/** csptest failed; the message carries its exit code, `ErrorCode: 0x…` and output, never the PIN or the signed data. */
export class CryptoProError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    /** `0x8009001f`-style CSP error code from csptest's output, when it printed one. */
    readonly cspErrorCode?: string,
  ) {
    super(message);
    this.name = 'CryptoProError';
  }
}

const MAX_OUTPUT_CHARS = 1500;
/** What csptest gets of our environment (locale, paths, its own config); never the service's secrets. */
const CSPTEST_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'LD_LIBRARY_PATH'] as const;

/**
 * {@link EsiaSigner} backed by CryptoPro CSP (certified crypto, СКЗИ) through its command-line tool:
 *
 *   csptest -keyset -sign GOST12_256 -container <name> -keytype exchange -in <data> -out <sig> [-password <pin>]
 *
 * which hashes the file with GOST R 34.11-2012 (256) and writes the raw 64-byte GOST R 34.10-2012
 * signature in CryptoAPI's little-endian order — the mirror image of what OpenSSL emits and ESIA wants,
 * so it is byte-reversed here (docs/esia.md "Signers"; the command line is the one ilimurzin/esia uses in
 * production and fr05t1k/esia adopted). `cryptcp -signf` is not used: it makes a CMS (PKCS#7) container,
 * which ESIA refuses on the v2/v3 endpoints.
 *
 * The PIN goes on csptest's command line (it has no other way to take it), so it is visible to local
 * users who can list processes; prefer a container protected by file permissions. Data and signature
 * pass through a private temp directory (0700, files 0600) that is always removed.
 */
export class CryptoProCspSigner implements EsiaSigner {
  private readonly certificate: SigningCertificateFile;

  constructor(private readonly options: CryptoProCspSignerOptions) {
    if (!options?.csptestPath) throw new TypeError('CryptoProCspSigner: csptestPath is required');
    if (!options.container) throw new TypeError('CryptoProCspSigner: container is required');
    if (!options.certPath) throw new TypeError('CryptoProCspSigner: certPath is required');
    this.certificate = new SigningCertificateFile(options.certPath, options.openssl);
  }

  /** The argv given to csptest (without the binary); exported for the docs and tests. */
  commandLine(inPath: string, outPath: string): string[] {
    const o = this.options;
    const args = [
      '-keyset',
      '-sign',
      'GOST12_256',
      '-container',
      o.container,
      '-keytype',
      o.keyType ?? 'exchange',
      '-in',
      inPath,
      '-out',
      outPath,
    ];
    if (o.pin) args.push('-password', o.pin);
    return args;
  }

  async sign(data: Buffer | string): Promise<Buffer> {
    const dir = await mkdtemp(join(tmpdir(), 'esia-csp-'));
    try {
      const inPath = join(dir, 'data.bin');
      const outPath = join(dir, 'signature.bin');
      await writeFile(inPath, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { mode: 0o600 });
      const result = await runProcess(this.options.csptestPath, this.commandLine(inPath, outPath), {
        label: 'csptest -keyset -sign',
        timeoutMs: this.options.timeoutMs ?? 15_000,
        inheritEnv: CSPTEST_ENV,
        missingBinaryHint: ` (csptest not found at "${this.options.csptestPath}": install CryptoPro CSP or set ESIA_CRYPTOPRO_CSPTEST_PATH)`,
        cleanStderr: (raw) => this.scrub(raw),
        makeError: (message, exitCode) => new CryptoProError(message, exitCode),
      });
      const output = this.scrub(`${result.stdout.toString('utf8')}\n${result.stderr}`);
      const cspErrorCode = /ErrorCode:\s*(0x[0-9a-fA-F]{8})/.exec(output)?.[1]?.toLowerCase();
      if (result.exitCode !== 0) {
        throw new CryptoProError(
          `csptest -keyset -sign failed (exit code ${result.exitCode}${cspErrorCode ? `, ErrorCode ${cspErrorCode}` : ''})${output ? `: ${output}` : ''}`,
          result.exitCode,
          cspErrorCode,
        );
      }
      const raw = await readFile(outPath).catch(() => Buffer.alloc(0));
      if (raw.length !== GOST_2012_256_SIGNATURE_LENGTH) {
        throw new CryptoProError(
          `csptest -keyset -sign: expected a ${GOST_2012_256_SIGNATURE_LENGTH}-byte signature, got ${raw.length} bytes (is the container key GOST R 34.10-2012 256-bit?)`,
          result.exitCode,
        );
      }
      return reverseBytes(raw);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  certificateHashHex(): Promise<string> {
    return this.certificate.hashHex();
  }

  /** Output fit for a log line: the PIN blanked, blank lines dropped, shortened. */
  private scrub(text: string): string {
    const pin = this.options.pin;
    const clean = (pin ? text.split(pin).join('***') : text)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' | ');
    return clean.length > MAX_OUTPUT_CHARS ? `${clean.slice(0, MAX_OUTPUT_CHARS)}…` : clean;
  }
}
