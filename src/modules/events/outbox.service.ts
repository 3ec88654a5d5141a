import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { epochMicrosSql } from '../../core/queue/job-ids';
import { EventType, NewEvent } from './event-types';

export interface StoredEvent {
  id: string;
  type: EventType;
  aggregateType: string;
  aggregateId: string;
  schoolId: string | null;
  actorId: string | null;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  occurredAt: Date;
  publishedAt: Date | null;
}

const COLUMNS =
  'id, type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", school_id AS "schoolId", actor_id AS "actorId", payload, idempotency_key AS "idempotencyKey", occurred_at AS "occurredAt", published_at AS "publishedAt"';

/** The only writer of `domain_events`. Callers pass the EntityManager of their own transaction. */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Writes one event in the caller's transaction; a repeated idempotency key writes nothing. Returns whether it was written. */
  async record(manager: EntityManager, event: NewEvent): Promise<boolean> {
    const n = await this.recordMany(manager, [event]);
    return n === 1;
  }

  /** Writes many events in one statement (batch grade entry, import). Returns how many were new. */
  async recordMany(manager: EntityManager, events: NewEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    let written = 0;
    for (let i = 0; i < events.length; i += 2000) {
      const chunk = events.slice(i, i + 2000);
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO domain_events (type, aggregate_type, aggregate_id, school_id, actor_id, payload, idempotency_key)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[], $7::text[])
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id`,
        [
          chunk.map((e) => e.type),
          chunk.map((e) => e.aggregateType),
          chunk.map((e) => e.aggregateId),
          chunk.map((e) => e.schoolId),
          chunk.map((e) => e.actorId),
          chunk.map((e) => JSON.stringify(e.payload)),
          chunk.map((e) => e.idempotencyKey),
        ],
      );
      written += rows.length;
    }
    return written;
  }

  /** Events of one aggregate, oldest first (diagnostics and tests). */
  async listForAggregate(aggregateId: string, type?: EventType): Promise<StoredEvent[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM domain_events WHERE aggregate_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY id LIMIT 1000`,
      [aggregateId, type ?? null],
    );
  }

  /** Unpublished events after a cursor, oldest first (diagnostics). */
  async listUnpublished(afterId: string | null, limit: number): Promise<StoredEvent[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM domain_events WHERE published_at IS NULL AND ($1::bigint IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  // ---- for the outbox relay and the consumers ---------------------------------------------------

  /** One event by id (consumers re-read the event their job names). */
  async findById(id: string): Promise<StoredEvent | null> {
    const rows: StoredEvent[] = await this.db.query(`SELECT ${COLUMNS} FROM domain_events WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Events by id, oldest first; ids that do not exist are simply missing (batch fan-out re-reads its events here). */
  async findByIds(ids: string[], manager?: EntityManager): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    return (manager ?? this.db).query(`SELECT ${COLUMNS} FROM domain_events WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
  }

  /** Whether any event waits for the relay (one index probe: the relay's idle poll is this single query). */
  async hasUnpublished(): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM domain_events WHERE published_at IS NULL LIMIT 1');
    return rows.length > 0;
  }

  /**
   * Locks the oldest unpublished events in the caller's transaction (FOR UPDATE SKIP LOCKED: a second
   * relay never takes the same rows), oldest first, with `at`: occurred_at in microseconds since the
   * epoch, which job ids carry (see core/queue/job-ids.ts).
   */
  async lockUnpublished(
    manager: EntityManager,
    limit: number,
  ): Promise<Array<Pick<StoredEvent, 'id' | 'type' | 'occurredAt'> & { at: string }>> {
    return manager.query(
      `SELECT id, type, occurred_at AS "occurredAt", ${epochMicrosSql('occurred_at')} AS at
         FROM domain_events WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  /** Stamps events as handed to the queue, in the caller's transaction. */
  async markPublished(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE domain_events SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL', [ids]);
  }
}
