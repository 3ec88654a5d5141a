import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuthMethod } from './session.entity';

/** `pending`: the password was right and a second factor is asked for (the next step is its own row). */
export type LoginOutcome = 'success' | 'failure' | 'pending';

/** The login history: every attempt, successful or not. */
@Entity('login_attempts')
@Index('ix_login_attempts_user_id', ['userId', 'id'])
@Index('ix_login_attempts_school_id', ['schoolId', 'id'])
export class LoginAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  /** School of the user at the time, so school admins can read their school's history. */
  @Column({ type: 'uuid', nullable: true })
  schoolId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ type: 'text' })
  method!: AuthMethod;

  @Column({ type: 'text' })
  outcome!: LoginOutcome;

  /** Why it failed (or how it succeeded): invalid_password, unknown_login, locked, … */
  @Column({ type: 'text' })
  reason!: string;
}
