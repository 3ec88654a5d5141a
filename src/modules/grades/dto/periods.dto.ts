import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSchoolDate } from '../../schedule/dto/schedule.dto';
import { LimitParam, OffsetParam } from '../../../common/pagination/page';
import { QueryInt } from '../../../common/validation/numbers';
import { IsGradeValue, VALUE_SCHEMA, trim } from './grades.dto';
import { SchoolQueryDto } from './grading-settings.dto';

/** Academic periods and period marks (PeriodMarksService). */

export class PeriodMarkItemDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @ApiProperty(VALUE_SCHEMA) @IsGradeValue() value!: number | string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(300) comment?: string;
}

export class SetPeriodMarksDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() periodId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
  @ApiProperty({ type: [PeriodMarkItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => PeriodMarkItemDto)
  marks!: PeriodMarkItemDto[];
}

export class CreatePeriodDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() schoolId!: string;
  @ApiProperty({ example: 2026 }) @IsInt() @Min(2000) @Max(2100) academicYear!: number;
  @ApiProperty({ enum: ['term', 'half', 'year'] }) @IsIn(['term', 'half', 'year']) kind!: 'term' | 'half' | 'year';
  @ApiProperty({ example: '2 четверть' }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiProperty({ example: '2026-11-05' }) @IsSchoolDate() startsOn!: string;
  @ApiProperty({ example: '2026-12-28' }) @IsSchoolDate() endsOn!: string;
}

export class ListPeriodsQueryDto extends SchoolQueryDto {
  @ApiPropertyOptional({ example: 2026, type: 'integer', minimum: 2000, maximum: 2100 })
  @IsOptional()
  @QueryInt(2000, 2100)
  academicYear?: number;
  @LimitParam(100, 50) limit: number = 50;
  @OffsetParam() offset: number = 0;
}

export class PeriodRef {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['term', 'half', 'year'] }) kind!: string;
  @ApiProperty() startsOn!: string;
  @ApiProperty() endsOn!: string;
}

export class PeriodMarkView {
  @ApiProperty() studentId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() periodId!: string;
  @ApiProperty(VALUE_SCHEMA) value!: number | string;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

export class PeriodMarkListView {
  @ApiProperty({ type: [PeriodMarkView] }) items!: PeriodMarkView[];
}

export class PeriodView extends PeriodRef {
  @ApiProperty() schoolId!: string;
  @ApiProperty() academicYear!: number;
}

export class PeriodPage {
  @ApiProperty({ type: [PeriodView] }) items!: PeriodView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
