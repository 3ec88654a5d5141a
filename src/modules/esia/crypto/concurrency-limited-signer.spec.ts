import { ConcurrencyLimitedSigner, SignerBusyError } from './concurrency-limited-signer';
import { verifyGostSignature } from './gost-verify';
import { OpenSslGostSigner } from './openssl-gost-signer';
import { EsiaSigner } from './signer';
import { createTestTempDir, generateGostTestKeyPair, removeTestDir, TestKeyPair } from './test-keys';

/** An inner signer whose signatures the test finishes by hand, counting how many run at once. */
class HandSigner implements EsiaSigner {
  running = 0;
  peak = 0;
  readonly pending: Array<{ data: string; finish: (fail?: boolean) => void }> = [];
  sign(data: Buffer | string): Promise<Buffer> {
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    return new Promise((resolve, reject) => {
      this.pending.push({
        data: String(data),
        finish: (fail) => {
          this.running--;
          if (fail) reject(new Error('openssl failed'));
          else resolve(Buffer.alloc(64, 1));
        },
      });
    });
  }
  certificateHashHex(): Promise<string> {
    return Promise.resolve('AB'.repeat(32));
  }
  /** Finishes the oldest running signature and lets the promise callbacks run. */
  async finishOne(fail = false): Promise<string> {
    const next = this.pending.shift()!;
    next.finish(fail);
    await new Promise((r) => setImmediate(r));
    return next.data;
  }
}

const settle = <T>(p: Promise<T>): Promise<{ ok: T } | { error: unknown }> =>
  p.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );

describe('ConcurrencyLimitedSigner', () => {
  afterEach(() => jest.useRealTimers());

  it('runs at most maxConcurrent signatures; the rest wait their turn in order, and a failed one frees its slot', async () => {
    const inner = new HandSigner();
    const signer = new ConcurrencyLimitedSigner(inner, { maxConcurrent: 2, queueTimeoutMs: 60_000 });
    const results = Array.from({ length: 6 }, (_, i) => settle(signer.sign(`m${i}`)));
    await new Promise((r) => setImmediate(r));
    expect(inner.running).toBe(2);
    expect(signer.load).toEqual({ active: 2, queued: 4 });

    const order: string[] = [];
    order.push(await inner.finishOne(true)); // an openssl failure still gives the slot back
    while (inner.pending.length > 0) order.push(await inner.finishOne());
    expect(order).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(inner.peak).toBe(2);
    expect(signer.load).toEqual({ active: 0, queued: 0 });
    const outcomes = await Promise.all(results);
    expect(outcomes.filter((o) => 'error' in o)).toHaveLength(1);
    expect(await signer.certificateHashHex()).toBe('AB'.repeat(32));
  });

  it('refuses with SignerBusyError (retry after the wait, in seconds) when the queue is full or the wait runs out', async () => {
    jest.useFakeTimers();
    const inner = new HandSigner();
    const signer = new ConcurrencyLimitedSigner(inner, { maxConcurrent: 1, queueTimeoutMs: 1_500, maxQueued: 2 });
    const first = settle(signer.sign('a'));
    const queued = [settle(signer.sign('b')), settle(signer.sign('c'))];
    const overflow = await settle(signer.sign('d')); // the queue is full: refused at once
    expect(overflow).toEqual({ error: expect.any(SignerBusyError) });
    expect((overflow as { error: SignerBusyError }).error.retryAfterSec).toBe(2);

    await jest.advanceTimersByTimeAsync(1_499);
    expect(signer.load).toEqual({ active: 1, queued: 2 });
    await jest.advanceTimersByTimeAsync(1);
    for (const q of await Promise.all(queued)) expect(q).toEqual({ error: expect.any(SignerBusyError) });
    expect(signer.load).toEqual({ active: 1, queued: 0 });
    expect(inner.pending.map((p) => p.data)).toEqual(['a']); // the timed-out ones never reached openssl

    inner.pending.shift()!.finish();
    expect(await first).toEqual({ ok: expect.any(Buffer) });
    expect(signer.load).toEqual({ active: 0, queued: 0 });
  });

  describe('around the real openssl signer', () => {
    let dir: string;
    let pair: TestKeyPair;
    beforeAll(async () => {
      dir = await createTestTempDir();
      pair = await generateGostTestKeyPair(dir, 'TESTSYS01');
    });
    afterAll(() => removeTestDir(dir));

    it('a burst of 24 signatures starts at most 2 openssl processes at once, and every signature verifies', async () => {
      const real = new OpenSslGostSigner({ keyPath: pair.keyPath, certPath: pair.certPath });
      let running = 0;
      let peak = 0;
      const counted: EsiaSigner = {
        sign: async (data) => {
          peak = Math.max(peak, ++running);
          try {
            return await real.sign(data);
          } finally {
            running--;
          }
        },
        certificateHashHex: () => real.certificateHashHex(),
      };
      const signer = new ConcurrencyLimitedSigner(counted, { maxConcurrent: 2, queueTimeoutMs: 120_000, maxQueued: 64 });
      const messages = Array.from({ length: 24 }, (_, i) => `state-${i}`);
      const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
      expect(peak).toBe(2);
      const cert = await real.certificateDer();
      expect(await verifyGostSignature(Buffer.from(messages[23]), signatures[23], cert)).toBe(true);
    });
  });
});
