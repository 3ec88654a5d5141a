import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FeedCursorQueryDto } from '../../../core/feeds/feed-query.dto';
import { MessageView } from './messaging.dto';

export class MessageFeedQueryDto extends FeedCursorQueryDto {}

/**
 * A change in the caller's conversations: a new message (`kind: message`), or their membership of a conversation
 * (`kind: conversation`) — joined or read further (`deleted: false`), or ended (`deleted: true`: they left or were
 * removed; drop the conversation and its messages).
 */
export class MessageFeedItem {
  @ApiProperty({ enum: ['message', 'conversation'] }) kind!: 'message' | 'conversation';
  @ApiProperty({ description: 'kind=message: the message id; kind=conversation: the conversation id' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ description: 'kind=conversation only: the caller is no longer a member. Messages are never deleted one by one' })
  deleted!: boolean;
  @ApiPropertyOptional({ type: MessageView, description: 'kind=message' }) message?: MessageView;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      "kind=conversation, not deleted: the caller's read mark; a conversation new to the client (joined later) — load its history",
  })
  lastReadMessageId?: string | null;
}
