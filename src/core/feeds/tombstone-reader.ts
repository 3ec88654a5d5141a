import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TombstoneFeed } from './entities/feed-tombstone.entity';
import { afterCursorSql, cursorParams, FeedPosition, FeedRow, feedOrderSql } from './feed-cursor';

export interface TombstoneRow extends FeedRow {
  deleted: true;
}

/** Reads the tombstones of one feed and scope after a cursor: the "deleted" source of every feed. */
@Injectable()
export class TombstoneReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async after(feed: TombstoneFeed, scopeId: string, after: FeedPosition, limit: number): Promise<TombstoneRow[]> {
    const [sql, params] = this.db.driver.escapeQueryWithParameters(
      `SELECT t.row_id AS id, t.change_xid::text AS cx, true AS deleted FROM feed_tombstones t
        WHERE t.feed = :tFeed AND t.scope_id = :tScope AND ${afterCursorSql('t.change_xid', 't.row_id')}
        ORDER BY ${feedOrderSql('t.change_xid', 't.row_id')} LIMIT :tLimit`,
      { tFeed: feed, tScope: scopeId, tLimit: limit, ...cursorParams(after) },
    );
    return this.db.query(sql, params);
  }
}
