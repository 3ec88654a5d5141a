import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

export type AuthMethod = 'password' | 'esia';

/**
 * One signed-in device. The refresh token is `<sessionId>.<secret>`; only a hash of the current
 * secret is kept. Presenting an older secret of the same session means it was stolen: the session is revoked.
 */
@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_sessions_user_id')
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sessions_user' })
  user?: User;

  @Column({ type: 'text' })
  method!: AuthMethod;

  @Column({ type: 'text' })
  refreshTokenHash!: string;

  /** The user's session epoch when this session was opened (or last moved, on an own password change); behind it = over. */
  @Column({ type: 'integer', default: 0 })
  epoch!: number;

  /** How many times the refresh token was rotated. */
  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastUsedAt!: Date;

  @Index('ix_sessions_expires_at')
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  revokedReason!: string | null;
}
