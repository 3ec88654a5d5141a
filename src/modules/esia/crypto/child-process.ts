import { spawn } from 'node:child_process';

/** Options of {@link runProcess}. */
export interface RunProcessOptions<E extends Error> {
  /** Name used in messages, e.g. `openssl dgst` (never the full argv: it may hold a PIN). */
  label: string;
  timeoutMs: number;
  /** Bytes written to the child's stdin (stdin is closed afterwards). */
  input?: Buffer | string;
  /** Extra environment variables for the child only. */
  extraEnv?: Record<string, string>;
  /**
   * Pass only these variables of our environment to the child (with `extraEnv` on top), instead of all
   * of it: a third-party tool has no business seeing the service's secrets.
   */
  inheritEnv?: readonly string[];
  /** Appended to the message when the binary does not exist (ENOENT). */
  missingBinaryHint?: string;
  /** Turns raw stderr into what messages and results carry (trimmed, shortened, noise removed). */
  cleanStderr: (raw: string) => string;
  /** Builds the error thrown for start failures, timeouts, signals and floods. */
  makeError: (message: string, exitCode: number | null, stderr: string) => E;
  /** Largest stdout accepted before the child is killed (default 16 MiB). */
  maxStdoutBytes?: number;
}

export interface ProcessResult {
  exitCode: number;
  stdout: Buffer;
  /** Cleaned stderr (see {@link RunProcessOptions.cleanStderr}). */
  stderr: string;
}

/**
 * Runs `bin` with `args` (no shell), feeding `input` on stdin. Resolves with the exit code whatever it
 * is; rejects (with `makeError`) only when the process cannot be started, is killed by the timeout or
 * a signal, or floods stdout. Shared by the OpenSSL and CryptoPro CSP command-line tools.
 */
export function runProcess<E extends Error>(bin: string, args: readonly string[], options: RunProcessOptions<E>): Promise<ProcessResult> {
  const { label, timeoutMs, makeError } = options;
  const maxStdout = options.maxStdoutBytes ?? 16 * 1024 * 1024;

  return new Promise<ProcessResult>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined; // eslint-disable-line prefer-const -- set below, read by finish()
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      fn();
    };

    const inherited = options.inheritEnv
      ? Object.fromEntries(options.inheritEnv.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]))
      : process.env;
    const child = spawn(bin, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.extraEnv ? { ...inherited, ...options.extraEnv } : inherited,
      windowsHide: true,
    });

    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    const stderrChunks: Buffer[] = [];
    let stderrBytes = 0;

    timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(makeError(`${label} timed out after ${timeoutMs} ms`, null, '')));
    }, timeoutMs);

    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? (options.missingBinaryHint ?? ` (binary "${bin}" not found)`) : '';
      finish(() => reject(makeError(`cannot start ${label}: ${err.message}${hint}`, null, '')));
    });

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        child.kill('SIGKILL');
        finish(() => reject(makeError(`${label} produced too much output`, null, '')));
        return;
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes < 64 * 1024) stderrChunks.push(chunk);
      stderrBytes += chunk.length;
    });

    child.on('close', (code, signal) => {
      const stderr = options.cleanStderr(Buffer.concat(stderrChunks).toString('utf8'));
      if (code === null) {
        finish(() => reject(makeError(`${label} was killed by ${signal ?? 'a signal'}${stderr ? `: ${stderr}` : ''}`, null, stderr)));
        return;
      }
      finish(() => resolve({ exitCode: code, stdout: Buffer.concat(stdoutChunks), stderr }));
    });

    // The child may exit before reading all input (e.g. unreadable key): ignore EPIPE here,
    // the exit code and stderr tell the real story.
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
