import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: one row per domain event, written in the same transaction as the
 * change it describes. The outbox relay (outbox-relay.ts) publishes unpublished rows to the queue and stamps them.
 */
@Entity('domain_events')
@Check(
  'ck_domain_events_type',
  `"type" IN ('grade.created', 'grade.changed', 'grade.deleted', 'attendance.marked', 'homework.created', 'homework.graded', 'homework.returned', 'lesson.changed', 'lesson.reminder', 'message.created', 'announcement.created', 'announcement.reminder', 'security.account_locked', 'security.new_device', 'security.mfa_reset')`,
)
@Check(
  'ck_domain_events_aggregate_type',
  `"aggregate_type" IN ('grade', 'attendance', 'homework', 'homework_submission', 'lesson', 'conversation', 'announcement', 'user')`,
)
@Index('ix_domain_events_unpublished', ['id'], { where: 'published_at IS NULL' })
@Index('ix_domain_events_aggregate', ['aggregateId', 'id'])
export class DomainEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  aggregateType!: string;

  @Column({ type: 'uuid' })
  aggregateId!: string;

  @Column({ type: 'uuid', nullable: true })
  schoolId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Index('uq_domain_events_idempotency_key', { unique: true })
  @Column({ type: 'text' })
  idempotencyKey!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
