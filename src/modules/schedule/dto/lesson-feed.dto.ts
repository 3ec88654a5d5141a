import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { FeedCursorQueryDto } from '../../../core/feeds/feed-query.dto';
import { LessonView } from './schedule.dto';

export class LessonFeedQueryDto extends FeedCursorQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Уроки класса (или studentId, или teacherId)' })
  @IsOptional()
  @IsUUID()
  classId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Уроки класса, где сейчас учится ученик' })
  @IsOptional()
  @IsUUID()
  studentId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Уроки учителя, в том числе те, где он замещает' })
  @IsOptional()
  @IsUUID()
  teacherId?: string;
}

/** A lesson created or changed (moved, cancelled, substituted…), or a tombstone: `deleted: true` with only its id. */
export class LessonFeedItem extends PartialType(LessonView) {
  @ApiProperty() override id!: string;
  @ApiProperty({
    description: 'true: the lesson left this feed (deleted, or no longer covered by this substitute teacher): drop it; only id is given',
  })
  deleted!: boolean;
}
