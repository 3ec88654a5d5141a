import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../../users/entities/user.entity';

/**
 * One-time recovery codes (ten per enrolment, shown once). Only a keyed hash is stored: HMAC-SHA-256
 * with a key derived from DATA_ENCRYPTION_KEY over the user id and the code, so it can be looked up
 * directly and is worthless without the key (docs/security.md explains why not bcrypt).
 */
@Entity('mfa_recovery_codes')
@Index('uq_mfa_recovery_codes_user_id_code_hash', ['userId', 'codeHash'], { unique: true })
export class MfaRecoveryCode {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_recovery_codes_user' })
  user?: User;

  @Column({ type: 'text' })
  codeHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
