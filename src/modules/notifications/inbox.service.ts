import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { isBigIntString } from '../../common/validation/numbers';
import { FeedPage, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { NotificationFeedItem, NotificationFeedQueryDto } from './dto/notification-feed.dto';
import { MarkAllReadDto, MarkAllReadResult, NotificationListQueryDto, NotificationPage, NotificationView } from './dto/notifications.dto';
import { toView } from './notification-view';
import { NotificationsErrors } from './notifications.errors';
import { NotificationRow, NotificationsRepository } from './notifications.repository';

/** The signed-in user's own notifications: the list, the change feed, unread counts, marking read. */
@Injectable()
export class InboxService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly tombstones: TombstoneReader,
  ) {}

  async list(p: Principal, q: NotificationListQueryDto): Promise<NotificationPage> {
    const rows = await this.repo.list(p.userId, q.unread === true, q.cursor ?? null, q.limit + 1);
    const items = rows.slice(0, q.limit).map(toView);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** My notifications that arrived or were read since the cursor (on any device), deletions as tombstones. */
  feed(p: Principal, q: NotificationFeedQueryDto): Promise<FeedPage<NotificationFeedItem>> {
    return readFeedPage<{ cx: string; id: string; row?: NotificationRow }, NotificationFeedItem>(
      pageCursor(q),
      q.limit,
      [
        async (after, limit) =>
          (await this.repo.findChanges(p.userId, after, limit)).map((row) => ({ cx: row.cx, id: String(row.id), row })),
        (after, limit) => this.tombstones.after('notification', p.userId, after, limit),
      ],
      (rows) => rows.map((r) => (r.row ? { ...toView(r.row), deleted: false } : { id: r.id, deleted: true })),
    );
  }

  async unreadCount(p: Principal): Promise<number> {
    return this.repo.unreadCount(p.userId);
  }

  async markRead(p: Principal, id: string): Promise<NotificationView> {
    if (!isBigIntString(id)) throw NotificationsErrors.notificationNotFound();
    const row = await this.repo.markRead(p.userId, id);
    if (!row) throw NotificationsErrors.notificationNotFound();
    return toView(row);
  }

  async markAllRead(p: Principal, dto: MarkAllReadDto): Promise<MarkAllReadResult> {
    return { marked: await this.repo.markAllRead(p.userId, dto.upToId ?? null) };
  }

  /** Notifications after the one the client saw last (SSE Last-Event-ID), oldest first, at most 100. */
  async missedSince(p: Principal, lastId: string | undefined): Promise<NotificationView[]> {
    if (!lastId || !isBigIntString(lastId)) return [];
    return (await this.repo.listAfter(p.userId, lastId, 100)).map(toView);
  }
}
