import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../../config/app-config';
import { ReadCache, readKey } from './read-cache';

const cacheOf = (mb: number) => new ReadCache(loadConfig({ READ_CACHE_MB: String(mb) }));

describe('ReadCache', () => {
  it('builds a view once and serves the same JSON text and tag afterwards', async () => {
    const cache = cacheOf(1);
    const build = jest.fn(async () => ({ name: 'Иванов', n: 1 }));
    const a = await cache.json('k', build);
    const b = await cache.json('k', build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(JSON.parse(a.body.toString())).toEqual({ name: 'Иванов', n: 1 });
    expect(b).toBe(a);
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1 });
    expect((await cache.json('other', build)).etag).not.toBe(a.etag);
    expect(a.gzip).toBeNull(); // too small to be worth compressing
    const big = await cache.json('big', async () => ({ rows: Array.from({ length: 200 }, (_, i) => ({ i, name: 'Иванова М. П.' })) }));
    expect(gunzipSync(big.gzip!).equals(big.body)).toBe(true);
    expect(big.gzip!.length).toBeLessThan(big.body.length / 3);
  });

  it('builds once for concurrent misses on one key', async () => {
    const cache = cacheOf(1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const build = jest.fn(async () => {
      await gate;
      return { ok: true };
    });
    const all = Promise.all([cache.json('k', build), cache.json('k', build), cache.json('k', build)]);
    release();
    const [a, b, c] = await all;
    expect(build).toHaveBeenCalledTimes(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('does not keep a failed build', async () => {
    const cache = cacheOf(1);
    await expect(
      cache.json('k', async () => {
        throw new Error('db down');
      }),
    ).rejects.toThrow('db down');
    expect((await cache.json('k', async () => ({ ok: 1 }))).body.toString()).toBe('{"ok":1}');
  });

  it('evicts the least recently used entries beyond its size', async () => {
    const cache = cacheOf(1); // 1 MiB; each entry ~ 400 KB
    const big = (c: string) => async () => ({ s: c.repeat(400_000) });
    await cache.json('a', big('a'));
    await cache.json('b', big('b'));
    await cache.json('a', big('x')); // touch a: b is now the oldest
    await cache.json('c', big('c'));
    const build = jest.fn(big('y'));
    expect(JSON.parse((await cache.json('a', build)).body.toString()).s[0]).toBe('a');
    expect(build).not.toHaveBeenCalled();
    await cache.json('b', build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(cache.stats().bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('keeps nothing when given no memory', async () => {
    const cache = cacheOf(0);
    const build = jest.fn(async () => ({ ok: 1 }));
    await cache.json('k', build);
    await cache.json('k', build);
    expect(build).toHaveBeenCalledTimes(2);
    expect(cache.stats().entries).toBe(0);
  });

  it('makes keys whose parts cannot run into each other', () => {
    expect(readKey('week', 'a', null, 3)).toBe(readKey('week', 'a', undefined, 3));
    expect(readKey('week', 'a|b')).not.toBe(readKey('week', 'a', 'b'));
    expect(readKey('week', 'a', 'b')).not.toBe(readKey('week', 'a,b'));
    expect(readKey('week', 'a', null)).not.toBe(readKey('week', 'a', 'null'));
  });
});
