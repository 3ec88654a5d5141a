import { Logger } from '@nestjs/common';
import { withTimeout } from '../../common/with-timeout';

/** How long a caller waits for one Redis write before leaving it to the retry timer. */
export const REDIS_WRITE_TIMEOUT_MS = 250;
const RETRY_EVERY_MS = 1_000;

interface Pending {
  write: () => Promise<unknown>;
  until: number;
}

/**
 * Redis writes that must land eventually but only matter for a bounded time (a revoked-session mark, a
 * published authorisation version: both are useless once the access tokens they concern have expired).
 * The caller waits at most REDIS_WRITE_TIMEOUT_MS; a write that fails is kept in memory under its key (a later
 * write for the same key replaces it) and retried every second until it succeeds or its time is up. While
 * Redis is down the readers check PostgreSQL instead (SessionCheck), so the retry only has to close the gap
 * after Redis is back. Lost if this process dies before Redis returns (docs/security.md says so).
 */
export class RedisWriteRetry {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private lastWarning = 0;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
  ) {}

  /** Runs the write now; true if Redis took it, false if it was queued for retries (never throws). */
  async run(key: string, write: () => Promise<unknown>, keepTryingMs: number): Promise<boolean> {
    try {
      await withTimeout(write(), REDIS_WRITE_TIMEOUT_MS, 'redis');
      this.pending.delete(key);
      return true;
    } catch (e) {
      this.pending.set(key, { write, until: Date.now() + keepTryingMs });
      this.warn(e);
      this.arm();
      return false;
    }
  }

  /** Writes waiting for Redis; for tests and health reporting. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Stops retrying (at shutdown). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.retry(), RETRY_EVERY_MS);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    const now = Date.now();
    for (const [key, p] of [...this.pending]) {
      if (p.until <= now) {
        this.pending.delete(key);
        continue;
      }
      try {
        await withTimeout(p.write(), REDIS_WRITE_TIMEOUT_MS, 'redis');
        if (this.pending.get(key) === p) this.pending.delete(key);
      } catch (e) {
        this.warn(e);
        break; // still down: try the rest next time
      }
    }
    if (this.pending.size) this.arm();
  }

  private warn(e: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err: (e as Error).message, waiting: this.pending.size }, `Redis did not take ${this.what}; retrying every second`);
  }
}
