interface Waiter {
  deadline: number;
  done: boolean;
  reject: (e: Error) => void;
}

/**
 * Timeouts of one fixed length for many concurrent promises, served by a single timer. All waits are
 * equally long, so they expire in the order they started: the timer is armed for the oldest pending one
 * and, when it fires, rejects what is overdue and re-arms for the next. Under steady load that is a few
 * timers a second instead of one per call (withTimeout's timer showed in the API's CPU profile, on the
 * revoked-session check every request makes). Like withTimeout, the timer never keeps the process alive.
 */
export class SharedDeadline {
  private readonly waiters: Waiter[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly what = 'operation',
  ) {}

  /** Settles as `p` does, or rejects if `p` has not settled within `ms`. */
  wait<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiter = { deadline: performance.now() + this.ms, done: false, reject };
      this.waiters.push(w);
      if (this.timer === undefined) this.arm(this.ms);
      p.then(
        (value) => {
          w.done = true;
          resolve(value);
        },
        (e: unknown) => {
          w.done = true;
          reject(e);
        },
      );
    });
  }

  /** How many waits are remembered (settled ones are dropped when the timer next fires); for tests. */
  get size(): number {
    return this.waiters.length - this.head;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.sweep, Math.max(1, Math.ceil(ms)));
    this.timer.unref();
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const q = this.waiters;
    let i = this.head;
    for (; i < q.length && (q[i].done || q[i].deadline <= now); i++) {
      const w = q[i];
      if (w.done) continue;
      w.done = true;
      w.reject(new Error(`${this.what}: no answer in ${this.ms} ms`));
    }
    if (i === q.length) {
      q.length = 0;
      this.head = 0;
      return;
    }
    // Drop the settled prefix now and then rather than shifting on every call.
    if (i > 1024 && i * 2 > q.length) {
      q.splice(0, i);
      i = 0;
    }
    this.head = i;
    this.arm(q[i].deadline - now);
  };
}
