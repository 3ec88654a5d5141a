import { EsiaSigner } from './signer';

export interface ConcurrencyLimitOptions {
  /** Signatures computed at once (each one is an openssl process). */
  maxConcurrent: number;
  /** How long a request may wait for a free slot before it is refused. */
  queueTimeoutMs: number;
  /** Requests allowed to wait; more are refused at once. Default 16 per slot. */
  maxQueued?: number;
}

/** No slot came free in time: the caller answers 503 with Retry-After. */
export class SignerBusyError extends Error {
  constructor(readonly retryAfterSec: number) {
    super('ESIA signer busy: too many signatures at once');
    this.name = 'SignerBusyError';
  }
}

interface Waiter {
  grant(): void;
}

/**
 * A semaphore around an {@link EsiaSigner}: at most `maxConcurrent` signatures run at once, the next
 * ones wait in order (up to `maxQueued`, at most `queueTimeoutMs` each), the rest fail fast with
 * {@link SignerBusyError}. A burst of sign-in starts therefore cannot fork hundreds of openssl
 * processes. The certificate hash is passed through (it is computed once and cached).
 */
export class ConcurrencyLimitedSigner implements EsiaSigner {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly maxQueued: number;

  constructor(
    private readonly inner: EsiaSigner,
    private readonly options: ConcurrencyLimitOptions,
  ) {
    if (!(options.maxConcurrent >= 1)) throw new TypeError('ConcurrencyLimitedSigner: maxConcurrent must be at least 1');
    this.maxQueued = options.maxQueued ?? options.maxConcurrent * 16;
  }

  /** Signatures running now and requests waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  async sign(data: Buffer | string): Promise<Buffer> {
    await this.acquire();
    try {
      return await this.inner.sign(data);
    } finally {
      this.release();
    }
  }

  certificateHashHex(): Promise<string> {
    return this.inner.certificateHashHex();
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    const busy = () => new SignerBusyError(Math.max(1, Math.ceil(this.options.queueTimeoutMs / 1000)));
    if (this.queue.length >= this.maxQueued) return Promise.reject(busy());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        reject(busy());
      }, this.options.queueTimeoutMs);
      this.queue.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter, so `active` never exceeds the limit. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.active--;
  }
}
