import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The identity of this database (one row, filled by the migration that creates it). `incarnation`
 * prefixes every Bull job id; it is renewed when `fingerprint` shows the database is a copy (restored
 * from a dump, cloned from a template, recovered to a point in time): see `QueueIdentity`.
 * Written only by the migration and by `QueueIdentity`.
 */
@Entity('installation')
@Check('ck_installation_singleton', '"singleton"')
@Index('uq_installation_singleton', ['singleton'], { unique: true })
export class Installation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'boolean', default: true })
  singleton!: boolean;

  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' })
  incarnation!: string;

  /** `<database oid>:<system identifier>:<timeline>` when the incarnation began. */
  @Column({ type: 'text' })
  fingerprint!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  incarnationStartedAt!: Date;
}
