import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** An assembled view as the client receives it: the JSON as UTF-8 bytes (and gzipped), with an entity tag. */
export interface CachedJson {
  body: Buffer;
  /** The body gzipped once when the view is built (null when too small to be worth it). */
  gzip: Buffer | null;
  etag: string;
}

/** Below this a gzipped body saves less than the headers and the work cost. */
const GZIP_FROM_BYTES = 1024;

/**
 * In-process cache of assembled read views (a student's week, a class journal) as JSON text.
 *
 * Correctness does not rest on expiry or on telling other processes: every key carries the
 * `read_versions` counters the view depends on, read in the same query that checks the caller's
 * access. The counters are bumped by triggers in the transaction of every change they count, so a
 * request that reads version N gets a view built from data at least as new as N, and a change makes
 * the next request miss. Entries under old versions are never asked for again and fall out of the
 * LRU (bounded by READ_CACHE_MB). Concurrent misses on one key build it once.
 */
@Injectable()
export class ReadCache {
  private readonly entries = new Map<string, CachedJson>();
  private readonly building = new Map<string, Promise<CachedJson>>();
  private readonly maxBytes: number;
  private bytes = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxBytes = config.readCacheMb * 1024 * 1024;
  }

  async json(key: string, build: () => Promise<unknown>): Promise<CachedJson> {
    const hit = this.entries.get(key);
    if (hit) {
      this.hitCount++;
      // most recently used last: Map iteration order is insertion order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = this.building.get(key);
    if (pending) return pending;
    this.missCount++;
    const work = build()
      .then((view) => {
        // Kept as UTF-8 bytes (smaller than a V8 string of Cyrillic text, written to the socket as is) and
        // gzipped once here rather than on every answer: a week compresses ~10×, and on this kind of
        // machine the cost of an answer grows with the bytes written to the socket.
        const body = Buffer.from(JSON.stringify(view), 'utf8');
        const gzip = body.length >= GZIP_FROM_BYTES ? gzipSync(body, { level: 6 }) : null;
        const entry = { body, gzip, etag: createHash('sha1').update(key).digest('base64url') };
        this.store(key, entry);
        return entry;
      })
      .finally(() => this.building.delete(key));
    this.building.set(key, work);
    return work;
  }

  stats(): { entries: number; bytes: number; hits: number; misses: number } {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hitCount, misses: this.missCount };
  }

  private store(key: string, entry: CachedJson): void {
    const size = sizeOf(key, entry);
    if (size > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= sizeOf(oldKey, old);
    }
  }
}

/** Rough memory size of an entry. */
const sizeOf = (key: string, e: CachedJson): number => e.body.length + (e.gzip?.length ?? 0) + 2 * (key.length + e.etag.length) + 160;

/** A cache key from a view name and everything its content depends on (JSON: parts never run together). */
export const readKey = (view: string, ...parts: Array<string | number | null | undefined>): string =>
  `${view}:${JSON.stringify(parts.map((p) => p ?? null))}`;
