import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DEPRECATED_CURSOR_ALIAS } from '../../common/pagination/cursor';
import { FEED_CURSOR_PATTERN } from './feed-cursor';

/** The paging part of every `?cursor=` feed of changes. */
export class FeedCursorQueryDto {
  @ApiPropertyOptional({
    description: 'nextCursor предыдущего ответа; без него — с самого начала',
    example: '48213.3f6b2c1e-8a4d-4c1b-9d2e-0a1b2c3d4e5f',
  })
  @IsOptional()
  @Matches(FEED_CURSOR_PATTERN)
  cursor?: string;

  @ApiPropertyOptional({ deprecated: true, description: DEPRECATED_CURSOR_ALIAS })
  @IsOptional()
  @Matches(FEED_CURSOR_PATTERN)
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 200;
}
