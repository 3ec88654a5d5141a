import { runProcess } from './child-process';

/**
 * Thin, safe wrapper around the `openssl` CLI with Debian's GOST engine
 * (package `libengine-gost-openssl`, installed by `.ci/install-system-deps.sh`).
 *
 * How the engine is loaded: every GOST command gets `-engine gost` on its command
 * line (OpenSSL 3.0 on Debian bookworm finds `gost.so` in its ENGINESDIR,
 * `/usr/lib/x86_64-linux-gnu/engines-3`). No OPENSSL_CONF and no system file edits
 * are needed. `OPENSSL_ENGINES` in the environment (inherited) can point elsewhere.
 *
 * Node's own bundled OpenSSL has no GOST algorithms, hence the CLI.
 */

export const GOST_ENGINE_ARGS: readonly string[] = ['-engine', 'gost'];
/** openssl digest flag for GOST R 34.11-2012 256-bit (Streebog-256). */
export const GOST_DIGEST_256_FLAG = '-md_gost12_256';
export const DEFAULT_OPENSSL_BIN = 'openssl';
export const DEFAULT_OPENSSL_TIMEOUT_MS = 15_000;
const MAX_STDOUT_BYTES = 16 * 1024 * 1024;
const MAX_STDERR_CHARS = 2_000;

export interface OpenSslCommonOptions {
  /** Path or name of the openssl binary. Default: `openssl` from PATH. */
  opensslPath?: string;
  /** Kill the child and fail after this many ms. Default 15 000. */
  timeoutMs?: number;
}

export interface OpenSslRunOptions extends OpenSslCommonOptions {
  /** Bytes written to the child's stdin (stdin is closed afterwards). */
  input?: Buffer | string;
  /** Extra environment variables for the child only (e.g. a key passphrase for `-passin env:X`). */
  extraEnv?: Record<string, string>;
}

export interface OpenSslResult {
  exitCode: number;
  stdout: Buffer;
  /** stderr with openssl's `Engine "gost" set.` noise removed, trimmed, truncated. */
  stderr: string;
}

/** Error carrying openssl's exit code and (cleaned) stderr. Never includes the signed data or passphrases. */
export class OpenSslError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'OpenSslError';
  }
}

export function cleanOpenSslStderr(raw: string): string {
  const text = raw
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !/^Engine "[^"]*" set\.$/.test(line.trim()))
    .join('\n')
    .trim();
  return text.length > MAX_STDERR_CHARS ? `${text.slice(0, MAX_STDERR_CHARS)}…` : text;
}

/**
 * Runs openssl with the given argv (no shell), feeding `input` on stdin.
 * Resolves with the exit code whatever it is; rejects only when the process cannot be
 * started, is killed by the timeout or a signal, or floods stdout.
 */
export function runOpenSsl(args: readonly string[], options: OpenSslRunOptions = {}): Promise<OpenSslResult> {
  const bin = options.opensslPath ?? DEFAULT_OPENSSL_BIN;
  return runProcess(bin, args, {
    label: `openssl ${args[0] ?? ''}`.trim(),
    timeoutMs: options.timeoutMs ?? DEFAULT_OPENSSL_TIMEOUT_MS,
    input: options.input,
    extraEnv: options.extraEnv,
    missingBinaryHint: ` (binary "${bin}" not found; install openssl and libengine-gost-openssl, see .ci/install-system-deps.sh)`,
    cleanStderr: cleanOpenSslStderr,
    makeError: (message, exitCode, stderr) => new OpenSslError(message, exitCode, stderr),
    maxStdoutBytes: MAX_STDOUT_BYTES,
  });
}

/** Runs openssl and throws an {@link OpenSslError} (with openssl's stderr) on a non-zero exit. */
export async function runOpenSslOrThrow(what: string, args: readonly string[], options: OpenSslRunOptions = {}): Promise<Buffer> {
  const result = await runOpenSsl(args, options);
  if (result.exitCode !== 0) {
    throw new OpenSslError(
      `${what} failed (openssl exit code ${result.exitCode})${result.stderr ? `: ${result.stderr}` : ''}`,
      result.exitCode,
      result.stderr,
    );
  }
  return result.stdout;
}

/**
 * GOST R 34.11-2012 256-bit ("Streebog-256") digest of `data`:
 * `openssl dgst -engine gost -md_gost12_256 -binary` with data on stdin.
 */
export async function streebog256(data: Buffer | string, options: OpenSslCommonOptions = {}): Promise<Buffer> {
  const digest = await runOpenSslOrThrow('GOST R 34.11-2012 digest', ['dgst', ...GOST_ENGINE_ARGS, GOST_DIGEST_256_FLAG, '-binary'], {
    ...options,
    input: data,
  });
  if (digest.length !== 32) {
    throw new OpenSslError(`GOST R 34.11-2012 digest: expected 32 bytes, got ${digest.length}`, 0, '');
  }
  return digest;
}

/** Streebog-256 of the empty string (GOST R 34.11-2012 reference value). */
const STREEBOG256_EMPTY_HEX = '3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb';

/**
 * Fails with a clear message unless openssl with the `gost` engine works here
 * (computes a known Streebog-256 vector). Call at start-up / in health checks.
 */
export async function assertGostEngineAvailable(options: OpenSslCommonOptions = {}): Promise<void> {
  let actual: string;
  try {
    actual = (await streebog256(Buffer.alloc(0), options)).toString('hex');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `OpenSSL GOST engine is not usable (${reason}). Install Debian packages openssl and libengine-gost-openssl (.ci/install-system-deps.sh).`,
      { cause: err },
    );
  }
  if (actual !== STREEBOG256_EMPTY_HEX) {
    throw new Error(`OpenSSL GOST engine self-test failed: Streebog-256("") = ${actual}, expected ${STREEBOG256_EMPTY_HEX}`);
  }
}
