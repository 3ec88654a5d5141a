import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Region } from '../../schools/entities/region.entity';
import { User } from '../../users/entities/user.entity';

/** A region's sign-in policy (ESIA on/off, the transition period, the staff exception, admins' second factor). No row = ESIA off. */
@Entity('region_auth_settings')
@Check(
  'ck_region_auth_settings_transition',
  `"transition_starts_at" IS NULL OR "transition_ends_at" IS NULL OR "transition_ends_at" > "transition_starts_at"`,
)
export class RegionAuthSettings {
  @PrimaryColumn({ type: 'uuid' })
  regionId!: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id', foreignKeyConstraintName: 'fk_region_auth_settings_region' })
  region?: Region;

  @Column({ type: 'boolean', default: false })
  esiaEnabled!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  transitionStartsAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  transitionEndsAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  staffPasswordLogin!: boolean;

  /** School and region admins of the region must sign in with a second factor (docs/security.md). */
  @Column({ type: 'boolean', default: false })
  adminMfaRequired!: boolean;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Who saved the settings last. */
  @Index('ix_region_auth_settings_updated_by')
  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by', foreignKeyConstraintName: 'fk_region_auth_settings_updated_by' })
  updater?: User;
}
