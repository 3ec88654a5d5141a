import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Region } from './region.entity';

@Entity('schools')
@Index('uq_schools_region_name', ['regionId', 'name'], { unique: true })
export class School {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_schools_region_id')
  @Column({ type: 'uuid' })
  regionId!: string;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id', foreignKeyConstraintName: 'fk_schools_region' })
  region?: Region;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  shortName!: string | null;

  /** Overrides the region's time zone when set. */
  @Column({ type: 'text', nullable: true })
  timezone!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
