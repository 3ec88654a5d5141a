import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsSchoolDate } from '../../schedule/dto/schedule.dto';
import { GradeView, NULLABLE_VALUE_SCHEMA, WORK_TYPE_PATTERN } from './grades.dto';
import { PeriodRef } from './periods.dto';

/** The class journal, a student's grades and averages, what-if (JournalService). */

export class RangeQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Учебный период (или from и to)' }) @IsOptional() @IsUUID() periodId?: string;
  @ApiPropertyOptional({ example: '2026-09-01' }) @IsOptional() @IsSchoolDate() from?: string;
  @ApiPropertyOptional({ example: '2026-10-31' }) @IsOptional() @IsSchoolDate() to?: string;
}

export class JournalQueryDto extends RangeQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
}

export class WhatIfMarkDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) value!: number;
  @ApiProperty({ example: 'control' }) @Matches(WORK_TYPE_PATTERN) workType!: string;
}

export class WhatIfDto extends RangeQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
  @ApiProperty({ type: [WhatIfMarkDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => WhatIfMarkDto)
  extra!: WhatIfMarkDto[];
}

export class AverageView {
  @ApiProperty({ nullable: true, type: Number, example: 4.67 }) average!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5, description: 'Отметка, к которой ведёт средний балл' }) suggested!:
    number | null;
  @ApiProperty() count!: number;
  @ApiProperty() weightSum!: number;
}

export class SubjectGradesView {
  @ApiProperty() subjectId!: string;
  @ApiProperty() subjectName!: string;
  @ApiProperty({ type: [GradeView] }) grades!: GradeView[];
  @ApiProperty({ type: AverageView }) average!: AverageView;
  @ApiProperty(NULLABLE_VALUE_SCHEMA) periodMark!: number | string | null;
}

export class StudentGradesView {
  @ApiProperty() studentId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: PeriodRef, nullable: true }) period!: PeriodRef | null;
  @ApiProperty({ type: [SubjectGradesView] }) subjects!: SubjectGradesView[];
}

export class WhatIfView {
  @ApiProperty({ type: AverageView }) current!: AverageView;
  @ApiProperty({ type: AverageView }) projected!: AverageView;
}

export class JournalStudent {
  @ApiProperty() id!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ nullable: true, type: String }) middleName!: string | null;
  @ApiProperty({ type: AverageView }) average!: AverageView;
  @ApiProperty(NULLABLE_VALUE_SCHEMA) periodMark!: number | string | null;
}

export class JournalLesson {
  @ApiProperty() id!: string;
  @ApiProperty() date!: string;
  @ApiProperty() startTime!: string;
  @ApiProperty({ enum: ['scheduled', 'cancelled'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) topic!: string | null;
}

export class JournalAttendance {
  @ApiProperty() lessonId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ enum: ['absent', 'late', 'excused'] }) status!: string;
}

export class JournalView {
  @ApiProperty() classId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: PeriodRef, nullable: true }) period!: PeriodRef | null;
  @ApiProperty({ type: [JournalStudent] }) students!: JournalStudent[];
  @ApiProperty({ type: [JournalLesson] }) lessons!: JournalLesson[];
  @ApiProperty({ type: [GradeView], description: 'Оценки: ячейки (studentId × lessonId; lessonId = null — без урока)' })
  grades!: GradeView[];
  @ApiProperty({ type: [JournalAttendance] }) attendance!: JournalAttendance[];
}
