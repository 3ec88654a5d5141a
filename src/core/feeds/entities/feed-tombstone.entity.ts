import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type TombstoneFeed = 'lesson' | 'homework' | 'conversation' | 'notification';

/**
 * What left a feed of changes, so a client's cache can drop it: a deleted lesson, homework or notification, a
 * conversation membership that ended, a lesson its substitute no longer covers. Written only by the triggers of
 * migration IdempotencyAndFeeds (the database is the one writer), read by TombstoneReader.
 */
@Entity('feed_tombstones')
@Index('ix_feed_tombstones_feed_scope_change', ['feed', 'scopeId', 'changeXid', 'rowId'])
@Check('ck_feed_tombstones_feed', `"feed" IN ('lesson', 'homework', 'conversation', 'notification')`)
export class FeedTombstone {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id!: string;

  @Column({ type: 'text' })
  feed!: TombstoneFeed;

  /** Whose feed it belongs to: a class (lessons, homework) or a user (a teacher's lessons, memberships, notifications). */
  @Column({ type: 'uuid' })
  scopeId!: string;

  /** Id of the row that left, as text (uuids and numbers). */
  @Column({ type: 'text' })
  rowId!: string;

  /** The deleting transaction's id: where the tombstone sits in the feed. */
  @Column({ type: 'bigint', default: () => 'diary_current_xid()' })
  changeXid!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  deletedAt!: Date;
}
