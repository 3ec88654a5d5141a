import { DEPRECATED_CURSOR_ALIAS } from '../../../common/pagination/cursor';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { LimitParam } from '../../../common/pagination/page';
import { AttendanceView } from './attendance.dto';
import { CURSOR_PATTERN, GradeView } from './grades.dto';

/** The `?cursor=` feeds of grades and attendance (GradeFeedsService). */

export class FeedQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Лента ученика (или classId)' }) @IsOptional() @IsUUID() studentId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Лента класса (или studentId)' }) @IsOptional() @IsUUID() classId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subjectId?: string;
  @ApiPropertyOptional({ description: 'nextCursor предыдущего ответа; без него — с начала' })
  @IsOptional()
  @Matches(CURSOR_PATTERN)
  cursor?: string;
  @ApiPropertyOptional({ deprecated: true, description: DEPRECATED_CURSOR_ALIAS }) @IsOptional() @Matches(CURSOR_PATTERN) since?: string;
  @LimitParam(500, 200) limit: number = 200;
}

export class GradeFeedView {
  @ApiProperty({ type: [GradeView] }) items!: GradeView[];
  @ApiProperty({ description: 'Передайте как cursor в следующий раз' }) nextCursor!: string;
  @ApiProperty({ deprecated: true, description: 'Deprecated (API v2 drops it): fewer items than `limit` means the feed is caught up' })
  hasMore!: boolean;
}

export class AttendanceFeedView {
  @ApiProperty({ type: [AttendanceView] }) items!: AttendanceView[];
  @ApiProperty({ description: 'Передайте как cursor в следующий раз' }) nextCursor!: string;
  @ApiProperty({ deprecated: true, description: 'Deprecated (API v2 drops it): fewer items than `limit` means the feed is caught up' })
  hasMore!: boolean;
}
