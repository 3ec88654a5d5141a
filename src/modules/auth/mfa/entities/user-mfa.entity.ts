import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../../users/entities/user.entity';

/**
 * A user's TOTP second factor. The secret is a credential: AES-256-GCM at rest (PiiCryptoService, bound to
 * the user id), never logged, never shown again after enrolment. `confirmedAt` null: enrolment started but
 * not confirmed with a code yet (the factor is not in force).
 */
@Entity('user_mfa')
export class UserMfa {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_mfa_user' })
  user?: User;

  @Column({ type: 'bytea', select: false })
  secretEncrypted!: Buffer;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  /** The last TOTP time step accepted: a code of this step or an earlier one is refused (no replay). */
  @Column({ type: 'bigint', nullable: true })
  lastUsedStep!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
