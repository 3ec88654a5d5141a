import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../../../common/auth/role';
import { Region } from '../../schools/entities/region.entity';
import { School } from '../../schools/entities/school.entity';

export enum UserStatus {
  Active = 'active',
  Blocked = 'blocked',
}

@Entity('users')
@Check('ck_users_status', `"status" IN ('active', 'blocked')`)
@Check(
  'ck_users_roles',
  `"roles" <@ ARRAY['student','parent','teacher','class_teacher','school_admin','region_admin','platform_admin']::text[] AND cardinality("roles") > 0`,
)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased: logins are case-insensitive. */
  @Index('uq_users_login', { unique: true })
  @Column({ type: 'text' })
  login!: string;

  /** bcrypt hash; null for accounts that can only sign in through ESIA. */
  @Column({ type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ type: 'text', default: UserStatus.Active })
  status!: UserStatus;

  @Column({ type: 'text' })
  lastName!: string;

  @Column({ type: 'text' })
  firstName!: string;

  @Column({ type: 'text', nullable: true })
  middleName!: string | null;

  @Column({ type: 'date', nullable: true })
  birthDate!: string | null;

  /** SNILS, AES-256-GCM (see PiiCryptoService); never stored in plain text. */
  @Column({ type: 'bytea', nullable: true, select: false })
  snilsEncrypted!: Buffer | null;

  /** Keyed hash of the normalized SNILS, for exact lookup. */
  @Index('uq_users_snils_hash', { unique: true, where: 'snils_hash IS NOT NULL' })
  @Column({ type: 'text', nullable: true })
  snilsHash!: string | null;

  @Index('ix_users_school_id')
  @Column({ type: 'uuid', nullable: true })
  schoolId!: string | null;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_users_school' })
  school?: School;

  /** Set for region admins (and derived from the school for everyone else). */
  @Index('ix_users_region_id')
  @Column({ type: 'uuid', nullable: true })
  regionId!: string | null;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id', foreignKeyConstraintName: 'fk_users_region' })
  region?: Region;

  @Column({ type: 'smallint', default: 0 })
  failedLoginCount!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  /**
   * Bumped by the trigger `users_authorisation_version` (migration AuthorisationVersion) whenever roles, status,
   * school, region, password or session epoch change; access tokens carry the value they were issued at
   * (docs/security.md). Only the trigger writes it.
   */
  @Column({ type: 'integer', default: 0, insert: false, update: false })
  authVersion!: number;

  /** Sessions opened in an older epoch are over. Bumped by the same trigger (new password, blocked) or by endAllSessions. */
  @Column({ type: 'integer', default: 0, insert: false })
  sessionEpoch!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
