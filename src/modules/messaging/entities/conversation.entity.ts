import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { School } from '../../schools/entities/school.entity';
import { User } from '../../users/entities/user.entity';

export enum ConversationKind {
  Direct = 'direct',
  Group = 'group',
}

/**
 * A 1:1 (direct) or group conversation inside one school. A direct conversation is unique per
 * pair of users: `direct_key` is "<smaller id>:<larger id>" and has a partial unique index.
 */
@Entity('conversations')
@Check('ck_conversations_kind', `"kind" IN ('direct', 'group')`)
@Check('ck_conversations_direct_key', `("kind" = 'direct') = ("direct_key" IS NOT NULL)`)
@Check('ck_conversations_title', `"kind" = 'group' OR "title" IS NULL`)
@Index('uq_conversations_direct_key', ['directKey'], { unique: true, where: 'direct_key IS NOT NULL' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: ConversationKind;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Index('ix_conversations_school_id')
  @Column({ type: 'uuid' })
  schoolId!: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id', foreignKeyConstraintName: 'fk_conversations_school' })
  school?: School;

  @Index('ix_conversations_created_by')
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_conversations_created_by' })
  creator?: User;

  @Column({ type: 'text', nullable: true })
  directKey!: string | null;

  /** Newest message (denormalised for the conversation list). */
  @Column({ type: 'bigint', nullable: true })
  lastMessageId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastMessageAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
