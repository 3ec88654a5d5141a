import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Conversation } from './conversation.entity';

export const MESSAGE_MAX_LENGTH = 4000;

/**
 * One message. The bigint identity orders messages and is the keyset cursor of the history.
 * The text may be empty only when files are attached (checked by the service).
 */
@Entity('messages')
@Check('ck_messages_body_length', `char_length("body") <= ${MESSAGE_MAX_LENGTH}`)
@Index('ix_messages_conversation_id', ['conversationId', 'id'])
@Index('ix_messages_conversation_change', ['conversationId', 'changeXid', 'id'])
export class Message {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'fk_messages_conversation' })
  conversation?: Conversation;

  /** Null once the sender's account is deleted; the message stays in the history. */
  @Index('ix_messages_sender_id')
  @Column({ type: 'uuid', nullable: true })
  senderId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'fk_messages_sender' })
  sender?: User;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Transaction id of the last write (default on insert, trigger `trg_messages_change_xid` on update): the `?cursor=` feed's position. */
  @Column({ type: 'bigint', insert: false, update: false, select: false, default: () => 'diary_current_xid()' })
  changeXid!: string;
}
