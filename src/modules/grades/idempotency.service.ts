import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { GradesErrors } from './grades.errors';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,100}$/;

/** JSON with sorted keys, so the same body always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

class Replay {}

const hashOf = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * Idempotency-Key for offline-friendly writes. The key row is inserted first in the write's own
 * transaction: a concurrent request with the same key waits on it, then finds the stored answer.
 * A failed write rolls its key back, so a retry runs again. The same key with another body → 422.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The stored answer when this key was already used with this body; 422 with another body; null when new. */
  async findReplay<T>(userId: string, scope: string, key: string | undefined, body: unknown): Promise<{ result: T; replayed: true } | null> {
    if (key === undefined) return null;
    if (!KEY_PATTERN.test(key)) throw GradesErrors.idempotencyKeyInvalid();
    const [row] = await this.db.query('SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3', [userId, scope, key]);
    if (!row) return null;
    if (row.request_hash !== hashOf(body)) throw GradesErrors.idempotencyKeyReused();
    return { result: row.response as T, replayed: true };
  }

  /**
   * Deletes keys older than `days` (their stored answers hold grades), in slices so the nightly purge
   * never holds many row locks at once. Returns how many went.
   */
  async purgeOlderThan(days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: unknown[] = await this.db.query(
        `DELETE FROM idempotency_keys WHERE ctid IN (
           SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(days => $1) LIMIT 5000)
         RETURNING 1`,
        [days],
      );
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  }

  async run<T>(userId: string, scope: string, key: string | undefined, body: unknown, work: (tx: EntityManager) => Promise<T>): Promise<{ result: T; replayed: boolean }> {
    if (key === undefined) return { result: await this.db.transaction(work), replayed: false };
    if (!KEY_PATTERN.test(key)) throw GradesErrors.idempotencyKeyInvalid();
    const hash = hashOf(body);
    try {
      const result = await this.db.transaction(async (tx) => {
        const inserted: unknown[] = await tx.query(
          `INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
          [userId, scope, key, hash],
        );
        if (inserted.length === 0) throw new Replay();
        const out = await work(tx);
        await tx.query('UPDATE idempotency_keys SET status_code = 200, response = $4 WHERE user_id = $1 AND scope = $2 AND key = $3', [userId, scope, key, JSON.stringify(out)]);
        return out;
      });
      return { result, replayed: false };
    } catch (e) {
      if (!(e instanceof Replay)) throw e;
    }
    const [row] = await this.db.query('SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3', [userId, scope, key]);
    if (!row || row.request_hash !== hash) throw GradesErrors.idempotencyKeyReused();
    return { result: row.response as T, replayed: true };
  }
}
