import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../../users/entities/user.entity';

export const MFA_AUDIT_ACTIONS = ['enabled', 'disabled', 'admin_reset', 'recovery_codes_regenerated'] as const;
export type MfaAuditAction = (typeof MFA_AUDIT_ACTIONS)[number];

/**
 * Who changed whose second factor, and when: the user (enabled, disabled, new recovery codes) or an admin
 * (reset). School and region are the user's at the time, so admins read the records of their scope.
 */
@Entity('mfa_audit')
@Check('ck_mfa_audit_action', `"action" IN ('enabled', 'disabled', 'admin_reset', 'recovery_codes_regenerated')`)
@Index('ix_mfa_audit_user_id', ['userId', 'id'])
@Index('ix_mfa_audit_school_id', ['schoolId', 'id'])
@Index('ix_mfa_audit_region_id', ['regionId', 'id'])
export class MfaAudit {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_audit_user' })
  user?: User;

  /** Who did it (the user themself or an admin); null once that account is deleted. */
  @Index('ix_mfa_audit_actor_id')
  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_mfa_audit_actor' })
  actor?: User;

  @Column({ type: 'uuid', nullable: true })
  schoolId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  regionId!: string | null;

  @Column({ type: 'text' })
  action!: MfaAuditAction;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
