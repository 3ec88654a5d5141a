import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * One diary event on its way to the state portal: made when the event concerns students with a linked
 * ESIA account (student_ids), sent with its idempotency key until delivered or parked as failed after
 * the configured attempts (admins see it with the last error and can retry).
 */
@Entity('portal_deliveries')
@Check('ck_portal_deliveries_status', `"status" IN ('pending', 'delivered', 'failed')`)
@Index('ix_portal_deliveries_school_status', ['schoolId', 'status', 'createdAt'])
@Index('ix_portal_deliveries_status', ['status', 'createdAt'])
export class PortalDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** domain_events.id (one delivery per event). */
  @Index('uq_portal_deliveries_event_id', { unique: true })
  @Column({ type: 'bigint' })
  eventId!: string;

  @Column({ type: 'text' })
  eventType!: string;

  @Column({ type: 'uuid', nullable: true })
  schoolId!: string | null;

  /** The linked students the event concerns, fixed when the delivery is made. */
  @Column({ type: 'uuid', array: true })
  studentIds!: string[];

  /** Sent as the Idempotency-Key header: the portal applies an event once however often it arrives. */
  @Index('uq_portal_deliveries_idempotency_key', { unique: true })
  @Column({ type: 'text' })
  idempotencyKey!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** Admin retries so far (each makes a fresh queue job). */
  @Column({ type: 'int', default: 0 })
  manualRetries!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
