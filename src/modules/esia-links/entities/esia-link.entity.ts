import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { EsiaLinkMethod } from '../esia-link-method';

/**
 * The link between a diary user and an ESIA account: the ESIA subject id (`oid`) and when/how it was
 * made. No ESIA personal data (FIO, SNILS, birth date) is ever stored. A revoked link is kept (with who
 * ended it and when) for the record; at most one ACTIVE link per user and per oid.
 */
@Entity('esia_links')
@Check('ck_esia_links_method', `"method" IN ('snils_fio', 'password', 'session')`)
@Index('uq_esia_links_user_active', ['userId'], { unique: true, where: 'revoked_at IS NULL' })
@Index('uq_esia_links_oid_active', ['oid'], { unique: true, where: 'revoked_at IS NULL' })
export class EsiaLink {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_esia_links_user_id')
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_esia_links_user' })
  user?: User;

  /** ESIA subject id (`urn:esia:sbj_id`), digits. */
  @Column({ type: 'text' })
  oid!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  linkedAt!: Date;

  @Column({ type: 'text' })
  method!: EsiaLinkMethod;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** `user` (unlinked from the profile) or `admin`. */
  @Column({ type: 'text', nullable: true })
  revokedReason!: string | null;

  @Index('ix_esia_links_revoked_by')
  @Column({ type: 'uuid', nullable: true })
  revokedBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'revoked_by', foreignKeyConstraintName: 'fk_esia_links_revoked_by' })
  revoker?: User;
}
