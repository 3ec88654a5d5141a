import { SharedDeadline } from './shared-deadline';

/** A promise settled by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const outcome = <T>(p: Promise<T>): Promise<{ value?: T; error?: string }> =>
  p.then(
    (value) => ({ value }),
    (e: Error) => ({ error: e.message }),
  );

describe('SharedDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('passes on what settles in time, value or error', async () => {
    const d = new SharedDeadline(250, 'redis');
    const ok = deferred<number>();
    const bad = deferred<number>();
    const a = outcome(d.wait(ok.promise));
    const b = outcome(d.wait(bad.promise));
    ok.resolve(1);
    bad.reject(new Error('ECONNREFUSED'));
    await jest.advanceTimersByTimeAsync(249);
    expect(await a).toEqual({ value: 1 });
    expect(await b).toEqual({ error: 'ECONNREFUSED' });
  });

  it('rejects what has not settled after the deadline, not before; a late answer changes nothing', async () => {
    const d = new SharedDeadline(250, 'redis');
    const slow = deferred<number>();
    let settled = false;
    const r = outcome(d.wait(slow.promise)).finally(() => (settled = true));
    await jest.advanceTimersByTimeAsync(249);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(await r).toEqual({ error: 'redis: no answer in 250 ms' });
    slow.resolve(1);
    await jest.advanceTimersByTimeAsync(0);
    expect(await r).toEqual({ error: 'redis: no answer in 250 ms' });
  });

  it('serves many concurrent waits with one timer and gives each its own full wait', async () => {
    const d = new SharedDeadline(250);
    const first = deferred<number>();
    const r1 = outcome(d.wait(first.promise));
    await jest.advanceTimersByTimeAsync(1);
    const later = Array.from({ length: 1000 }, () => deferred<number>());
    const rs = later.map((x) => outcome(d.wait(x.promise)));
    expect(jest.getTimerCount()).toBe(1);

    await jest.advanceTimersByTimeAsync(249); // t = 250: only the first is overdue, the rest have 1 ms left
    expect(await r1).toEqual({ error: 'operation: no answer in 250 ms' });
    expect(jest.getTimerCount()).toBe(1); // re-armed for the next oldest
    later.slice(0, 999).forEach((x, i) => x.resolve(i));
    await jest.advanceTimersByTimeAsync(1);
    const results = await Promise.all(rs);
    expect(results.slice(0, 999).every((r, i) => r.value === i)).toBe(true);
    expect(results[999]).toEqual({ error: 'operation: no answer in 250 ms' });
    // nothing pending: no timer left and nothing remembered
    expect(jest.getTimerCount()).toBe(0);
    expect(d.size).toBe(0);
  });

  it('under steady load forgets settled waits and keeps memory bounded', async () => {
    const d = new SharedDeadline(250);
    const timers = jest.spyOn(global, 'setTimeout');
    let inFlight = deferred<number>();
    for (let t = 0; t < 5000; t++) {
      // one request per ms, each answered 1 ms later: there is always one in flight
      const next = deferred<number>();
      void d.wait(next.promise);
      inFlight.resolve(t);
      inFlight = next;
      await jest.advanceTimersByTimeAsync(1);
    }
    expect(jest.getTimerCount()).toBe(1);
    expect(timers.mock.calls.length).toBeLessThanOrEqual(5000 / 250 + 1); // one per deadline length, not one per wait
    expect(d.size).toBeLessThan(2 * 1024 + 300);
  });
});
