import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Offline-friendly writes: the first answer to a (user, operation, Idempotency-Key), stored in the
 * same transaction as the write it answers, so a repeated request returns it and writes nothing.
 */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  /** The operation, e.g. `grades.create`. */
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  @Column({ type: 'text' })
  requestHash!: string;

  @Column({ type: 'smallint', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
