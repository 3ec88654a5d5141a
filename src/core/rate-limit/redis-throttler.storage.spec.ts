import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createServer, Socket } from 'node:net';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** Real Redis (127.0.0.1:6379), a key prefix of its own; two clients stand for two API instances. */
describe('RedisThrottlerStorage', () => {
  const prefix = `test-rl-${randomBytes(5).toString('hex')}`;
  const url = 'redis://127.0.0.1:6379';
  let a: Redis;
  let b: Redis;
  let raw: Redis;

  beforeAll(() => {
    a = new Redis(url, { keyPrefix: `${prefix}:` });
    b = new Redis(url, { keyPrefix: `${prefix}:` });
    raw = new Redis(url);
  });
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}:*`);
    if (keys.length) await raw.del(...keys);
    await Promise.all([a.quit(), b.quit(), raw.quit()]);
  });

  it('counts every hit once, across instances, and blocks exactly the hits over the limit', async () => {
    const one = new RedisThrottlerStorage(a);
    const two = new RedisThrottlerStorage(b);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).increment('rl:signIn:198.51.100.1', 60_000, 10, 60_000)),
    );
    expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(
      results
        .filter((r) => r.isBlocked)
        .map((r) => r.totalHits)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    for (const r of results) {
      expect(r.timeToExpire).toBeGreaterThan(0);
      expect(r.timeToExpire).toBeLessThanOrEqual(60);
      expect(r.timeToBlockExpire).toBe(r.isBlocked ? r.timeToExpire : 0);
    }
    // one key under the app's prefix, living no longer than the window
    expect(await raw.keys(`${prefix}:rl:signIn:*`)).toEqual([`${prefix}:rl:signIn:198.51.100.1`]);
    const pttl = await raw.pttl(`${prefix}:rl:signIn:198.51.100.1`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    // another client address has its own window
    expect(await one.increment('rl:signIn:198.51.100.2', 60_000, 10, 60_000)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('a longer block stretches the window once the limit is passed; a window key never lives without an expiry', async () => {
    const s = new RedisThrottlerStorage(a);
    for (let i = 0; i < 2; i++) await s.increment('rl:esia:block', 1_000, 2, 30_000);
    const blocked = await s.increment('rl:esia:block', 1_000, 2, 30_000);
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.timeToBlockExpire).toBe(30);
    expect(await raw.pttl(`${prefix}:rl:esia:block`)).toBeGreaterThan(1_000);

    await raw.set(`${prefix}:rl:esia:stuck`, '5'); // e.g. left by an interrupted older version
    const r = await s.increment('rl:esia:stuck', 60_000, 100, 60_000);
    expect(r.totalHits).toBe(6);
    expect(await raw.pttl(`${prefix}:rl:esia:stuck`)).toBeGreaterThan(0);
  });

  it('fails open when Redis does not answer (a hung server, then none): the hit is let through, not counted, and logged once', async () => {
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket)); // accepts, never answers
    const port = await new Promise<number>((resolve) =>
      hung.listen(0, '127.0.0.1', () => resolve((hung.address() as { port: number }).port)),
    );
    const down = new Redis(`redis://127.0.0.1:${port}`, {
      keyPrefix: `${prefix}:`,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      enableReadyCheck: false,
    });
    down.on('error', () => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const s = new RedisThrottlerStorage(down);
      const hits = () => Promise.all(Array.from({ length: 5 }, () => s.increment('rl:signIn:203.0.113.9', 60_000, 1, 60_000)));
      for (const r of await hits()) expect(r).toMatchObject({ totalHits: 0, isBlocked: false, timeToBlockExpire: 0 });
      for (const socket of sockets) socket.destroy();
      hung.close();
      for (const r of await hits()) expect(r).toMatchObject({ totalHits: 0, isBlocked: false, timeToBlockExpire: 0 });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      down.disconnect();
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });
});
