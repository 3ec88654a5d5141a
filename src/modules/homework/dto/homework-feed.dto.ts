import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { FeedCursorQueryDto } from '../../../core/feeds/feed-query.dto';
import { HomeworkView } from './homework.dto';

export class HomeworkFeedQueryDto extends FeedCursorQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Задания класса (или studentId)' }) @IsOptional() @IsUUID() classId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Задания класса, где сейчас учится ученик' })
  @IsOptional()
  @IsUUID()
  studentId?: string;
}

/** A homework set or changed (text, due date, attachments), or a tombstone: `deleted: true` with only its id. */
export class HomeworkFeedItem extends PartialType(HomeworkView) {
  @ApiProperty() override id!: string;
  @ApiProperty({ description: 'true: the homework was deleted: drop it; only id is given' }) deleted!: boolean;
}
