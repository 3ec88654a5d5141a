import { ApiProperty, PartialType } from '@nestjs/swagger';
import { FeedCursorQueryDto } from '../../../core/feeds/feed-query.dto';
import { NotificationView } from './notifications.dto';

export class NotificationFeedQueryDto extends FeedCursorQueryDto {}

/** A notification that arrived or was read (on any device), or a tombstone: `deleted: true` with only its id. */
export class NotificationFeedItem extends PartialType(NotificationView) {
  @ApiProperty({ example: '1024' }) override id!: string;
  @ApiProperty({ description: 'true: the notification was deleted: drop it; only id is given' }) deleted!: boolean;
}
