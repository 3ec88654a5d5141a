import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A request sent with an Idempotency-Key (core/idempotency): reserved before the handler runs, marked committed
 * by the handler's own write transaction, completed with the answer. Keyed by (user, key): a key names one request
 * of its user, whatever the route. Written only by IdempotencyStore and the commit fence.
 */
@Entity('idempotent_requests')
@Index('ix_idempotent_requests_created_at', ['createdAt'])
export class IdempotentRequest {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** `POST` — with the path, what the key was first used for; another route with the same key → 422. */
  @Column({ type: 'text' })
  requestMethod!: string;

  /** `/api/v1/homework/<id>/submissions` (ids included, query string not). */
  @Column({ type: 'text' })
  requestPath!: string;

  /**
   * HMAC-SHA-256 of the canonical body (JSON with sorted keys; multipart: the text fields and each file's size and
   * SHA-256); null while a multipart body is still being received. Rows from before the move: `legacy:<sha256>`.
   */
  @Column({ type: 'text', nullable: true })
  requestHash!: string | null;

  /** The attempt holding the reservation; null once completed. */
  @Column({ type: 'uuid', nullable: true })
  owner!: string | null;

  /** Until when the reservation is the owner's; after it, an attempt that never committed may be taken over. */
  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** Set in the transaction of the request's write (the commit fence): from then on the request never runs again. */
  @Column({ type: 'timestamptz', nullable: true })
  committedAt!: Date | null;

  @Column({ type: 'smallint', nullable: true })
  statusCode!: number | null;

  /** The answer body as JSON, AES-256-GCM encrypted (PiiCryptoService, bound to user and key): it holds names, texts, marks. */
  @Column({ type: 'bytea', nullable: true })
  answer!: Buffer | null;

  /** Answers stored before the move (plain JSON, grades and attendance only); read, never written; gone after 14 days. */
  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
