import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, QueryRunner } from 'typeorm';
import { PiiCryptoService } from '../crypto/pii-crypto.service';
import { IdempotencyErrors } from './idempotency.errors';
import { IdempotentAttempt } from './idempotency-context';

/** How long a reservation is its attempt's alone; past it, an attempt that never committed may be taken over. */
export const IDEMPOTENCY_LEASE_SEC = 60;
/** How long a duplicate waits for the first attempt to finish before answering 409 IDEMPOTENCY_KEY_IN_PROGRESS. */
export const IDEMPOTENCY_WAIT_MS = 3000;
const POLL_MS = 50;

export interface RequestIdentity {
  userId: string;
  key: string;
  method: string;
  path: string;
}

/** A stored answer to replay. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  /** The body hash the first request had (null if never bound). */
  requestHash: string | null;
}

export type Reservation = { kind: 'run'; attempt: IdempotentAttempt } | { kind: 'done'; answer: StoredAnswer };

interface Row {
  request_method: string;
  request_path: string;
  request_hash: string | null;
  status_code: number | null;
  answer: Buffer | null;
  response: unknown;
  committed_at: Date | null;
  leased: boolean;
  lease_left: number | null;
}

/**
 * The `idempotent_requests` table: reserve a key before the work, fence the work's commit, complete with the answer.
 * Why this order is safe when the process dies at any point: docs/architecture.md («Idempotency-Key»).
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly crypto: PiiCryptoService,
  ) {}

  /**
   * Reserves the key for this request, or finds its earlier answer. `sameBody` says whether a stored body hash is this
   * request's (always true while the body is not known yet: multipart). A duplicate of an attempt in flight waits up to
   * IDEMPOTENCY_WAIT_MS for it, then 409; another request under the same key → 422.
   */
  async reserve(id: RequestIdentity, requestHash: string | null, sameBody: (stored: string) => boolean): Promise<Reservation> {
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const owner = randomUUID();
      const inserted: unknown[] = await this.db.query(
        `INSERT INTO idempotent_requests (user_id, key, request_method, request_path, request_hash, owner, lease_until)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
         ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
        [id.userId, id.key, id.method, id.path, requestHash, owner, IDEMPOTENCY_LEASE_SEC],
      );
      if (inserted.length) return { kind: 'run', attempt: { userId: id.userId, key: id.key, owner, committed: false } };

      const [row]: Row[] = await this.db.query(
        `SELECT request_method, request_path, request_hash, status_code, answer, response, committed_at,
                COALESCE(lease_until > now(), false) AS leased, ceil(extract(epoch FROM lease_until - now()))::int AS lease_left
           FROM idempotent_requests WHERE user_id = $1 AND key = $2`,
        [id.userId, id.key],
      );
      if (!row) continue; // released or purged in between: reserve again
      if (row.request_method !== id.method || row.request_path !== id.path) throw IdempotencyErrors.keyReused();
      if (row.request_hash !== null && requestHash !== null && !sameBody(row.request_hash)) throw IdempotencyErrors.keyReused();
      if (row.status_code !== null) {
        const body = row.answer ? JSON.parse(this.crypto.decrypt(row.answer, aad(id))) : (row.response ?? null);
        return { kind: 'done', answer: { status: row.status_code, body, requestHash: row.request_hash } };
      }
      if (row.leased) {
        if (Date.now() >= deadline) throw IdempotencyErrors.inProgress(Math.max(1, row.lease_left ?? 1));
        await sleep(POLL_MS);
        continue;
      }
      // The lease ran out without an answer: the attempt's process died (or it is stuck past the lease).
      if (row.committed_at) throw IdempotencyErrors.answerLost();
      const taken = await changed(
        this.db,
        `UPDATE idempotent_requests SET owner = $3, lease_until = now() + make_interval(secs => $4), request_hash = $5
          WHERE user_id = $1 AND key = $2 AND status_code IS NULL AND committed_at IS NULL AND lease_until <= now()`,
        [id.userId, id.key, owner, IDEMPOTENCY_LEASE_SEC, requestHash],
      );
      if (taken) return { kind: 'run', attempt: { userId: id.userId, key: id.key, owner, committed: false } };
    }
  }

  /**
   * In the attempt's write transaction, just before it commits: marks the reservation committed, or throws (and so
   * rolls the write back) when the reservation is no longer this attempt's. Transactions that wrote nothing pass.
   */
  async fenceCommit(qr: QueryRunner, a: IdempotentAttempt): Promise<boolean> {
    const [{ wrote }]: Array<{ wrote: boolean }> = await qr.query('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote');
    if (!wrote) return false;
    const marked = await changed(
      qr,
      'UPDATE idempotent_requests SET committed_at = COALESCE(committed_at, now()) WHERE user_id = $1 AND key = $2 AND owner = $3',
      [a.userId, a.key, a.owner],
    );
    if (marked === 0) throw IdempotencyErrors.inProgress(1);
    return true;
  }

  /** Stores the answer (encrypted) and ends the reservation. False when the reservation was taken over meanwhile. */
  async complete(a: IdempotentAttempt, status: number, body: unknown, requestHash: string | null): Promise<boolean> {
    const sealed = this.crypto.encrypt(JSON.stringify(body ?? null), aad(a));
    const done = await changed(
      this.db,
      `UPDATE idempotent_requests
          SET status_code = $4, answer = $5, request_hash = COALESCE($6, request_hash), committed_at = COALESCE(committed_at, now()),
              completed_at = now(), owner = NULL, lease_until = NULL
        WHERE user_id = $1 AND key = $2 AND owner = $3`,
      [a.userId, a.key, a.owner, status, sealed, requestHash],
    );
    return done > 0;
  }

  /**
   * After a failed attempt: nothing committed → the key is free again (a retry runs anew); something committed → the
   * lease ends now, so a retry learns at once that the answer is lost rather than running twice.
   */
  async release(a: IdempotentAttempt): Promise<void> {
    if (a.committed) {
      await this.db.query('UPDATE idempotent_requests SET lease_until = now() WHERE user_id = $1 AND key = $2 AND owner = $3', [
        a.userId,
        a.key,
        a.owner,
      ]);
    } else {
      await this.db.query('DELETE FROM idempotent_requests WHERE user_id = $1 AND key = $2 AND owner = $3 AND committed_at IS NULL', [
        a.userId,
        a.key,
        a.owner,
      ]);
    }
  }

  /**
   * Deletes keys older than `days` (their answers hold grades, messages, names), in slices so the nightly purge never
   * holds many row locks at once. Returns how many went.
   */
  async purgeOlderThan(days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await changed(
        this.db,
        `DELETE FROM idempotent_requests WHERE ctid IN (
           SELECT ctid FROM idempotent_requests WHERE created_at < now() - make_interval(days => $1) LIMIT 5000)`,
        [days],
      );
      total += n;
      if (n < 5000) return total;
    }
  }
}

/** Rows an UPDATE or DELETE touched (TypeORM answers a bare one with `[rows, count]`, so it is counted in a CTE). */
async function changed(
  on: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  sql: string,
  params: unknown[],
): Promise<number> {
  const [{ n }] = (await on.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params)) as Array<{
    n: number;
  }>;
  return n;
}

/** The stored answer can be opened only for the same user and key. */
const aad = (a: { userId: string; key: string }): string => `idempotent-answer:${a.userId}:${a.key}`;
