import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Conversation } from './conversation.entity';

/** A member of a conversation and how far they have read (the id of the last message read). */
@Entity('conversation_members')
@Index('ix_conversation_members_user_change', ['userId', 'changeXid'])
export class ConversationMember {
  @PrimaryColumn({ type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'fk_conversation_members_conversation' })
  conversation?: Conversation;

  @Index('ix_conversation_members_user_id')
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_conversation_members_user' })
  user?: User;

  @Column({ type: 'bigint', nullable: true })
  lastReadMessageId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  joinedAt!: Date;

  /** Transaction id of the last write (default on insert, trigger `trg_conversation_members_change_xid` on update): the `?cursor=` feed's position. */
  @Column({ type: 'bigint', insert: false, update: false, select: false, default: () => 'diary_current_xid()' })
  changeXid!: string;
}
