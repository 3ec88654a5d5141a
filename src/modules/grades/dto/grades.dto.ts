import { DEPRECATED_CURSOR_ALIAS } from '../../../common/pagination/cursor';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { IsSchoolDate } from '../../schedule/dto/schedule.dto';
import { LimitParam, OffsetParam } from '../../../common/pagination/page';
import { QueryInt } from '../../../common/validation/numbers';
import { OptionalNotNull } from '../../../common/validation/optional';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** 1–5 or "pass"/"fail"; whether it fits the school's scale is checked by the service. */
export function IsGradeValue(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIn',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5) || v === 'pass' || v === 'fail',
      },
    });
}

const VALUE_ONE_OF = [
  { type: 'integer', minimum: 1, maximum: 5 },
  { type: 'string', enum: ['pass', 'fail'] },
];
/** A grade value: 1–5, or pass/fail where the school grades that way. */
export const VALUE_SCHEMA = { oneOf: VALUE_ONE_OF, example: 5 } as ApiPropertyOptions;
/** The same, or null (OpenAPI 3.0 has no null type: each alternative admits null, hence anyOf). */
export const NULLABLE_VALUE_SCHEMA = { anyOf: VALUE_ONE_OF.map((s) => ({ ...s, nullable: true })), example: 5 } as ApiPropertyOptions;
export const WORK_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,29}$/;
/** `<transaction id>.<row uuid>`; the id is also checked against the bigint range by the service. */
export const CURSOR_PATTERN = /^\d{1,19}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class GradeItemDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @ApiProperty(VALUE_SCHEMA) @IsGradeValue() value!: number | string;
  @ApiProperty({ example: 'answer', description: 'Код вида работы из настроек школы' }) @Matches(WORK_TYPE_PATTERN) workType!: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) comment?: string;
}

export class CreateGradeDto extends GradeItemDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Урок; иначе classId + subjectId + date' })
  @OptionalNotNull()
  @IsUUID()
  lessonId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @OptionalNotNull() @IsUUID() classId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @OptionalNotNull() @IsUUID() subjectId?: string;
  @ApiPropertyOptional({ example: '2026-11-23' }) @OptionalNotNull() @IsSchoolDate() date?: string;
}

export class BatchGradesDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() lessonId!: string;
  @ApiProperty({ type: [GradeItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => GradeItemDto)
  grades!: GradeItemDto[];
}

export class UpdateGradeDto {
  @ApiPropertyOptional(VALUE_SCHEMA) @OptionalNotNull() @IsGradeValue() value?: number | string;
  @ApiPropertyOptional({ example: 'control' }) @OptionalNotNull() @Matches(WORK_TYPE_PATTERN) workType?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  comment?: string | null;
  @ApiPropertyOptional({ description: 'Причина исправления (видна в истории)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class DeleteGradeQueryDto {
  @ApiPropertyOptional({ description: 'Причина удаления (видна в истории)' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class AttendanceItemDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @ApiProperty({ enum: ['present', 'absent', 'late', 'excused'], description: 'present снимает ранее поставленную отметку' })
  @IsIn(['present', 'absent', 'late', 'excused'])
  status!: 'present' | 'absent' | 'late' | 'excused';
  @ApiPropertyOptional({ example: 'Справка от врача' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(300) reason?: string;
}

export class MarkAttendanceDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() lessonId!: string;
  @ApiProperty({ type: [AttendanceItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => AttendanceItemDto)
  marks!: AttendanceItemDto[];
}

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

export class RangeQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Учебный период (или from и to)' }) @IsOptional() @IsUUID() periodId?: string;
  @ApiPropertyOptional({ example: '2026-09-01' }) @IsOptional() @IsSchoolDate() from?: string;
  @ApiPropertyOptional({ example: '2026-10-31' }) @IsOptional() @IsSchoolDate() to?: string;
}

export class JournalQueryDto extends RangeQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
}

export class HistoryQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @ApiPropertyOptional({ description: 'Курсор: id последнего полученного исправления' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;
  @LimitParam(200, 50) limit: number = 50;
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

export class WorkTypeDto {
  @ApiProperty({ example: 'control' }) @Matches(WORK_TYPE_PATTERN) code!: string;
  @ApiProperty({ example: 'Контрольная работа' }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiProperty({ example: 2, minimum: 0.1, maximum: 10 }) @IsNumber({ maxDecimalPlaces: 2 }) @Min(0.1) @Max(10) weight!: number;
}

export class GradingSettingsDto {
  @ApiProperty({ enum: ['five_point', 'pass_fail'] }) @IsIn(['five_point', 'pass_fail']) scale!: 'five_point' | 'pass_fail';
  @ApiProperty({ type: [WorkTypeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => WorkTypeDto)
  workTypes!: WorkTypeDto[];
  @ApiPropertyOptional({ example: 0.5, description: 'Доля, с которой средний балл округляется вверх (0.5: 4,5 → 5)' })
  @OptionalNotNull()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(0.99)
  roundingThreshold?: number;
}

export class SchoolQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() schoolId!: string;
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

export class ImportQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiPropertyOptional({
    enum: ['good-rows', 'all-or-nothing'],
    default: 'good-rows',
    description:
      'good-rows: верные строки импортируются, ошибочные перечисляются; all-or-nothing: при любой ошибке не импортируется ничего',
  })
  @IsOptional()
  @IsIn(['good-rows', 'all-or-nothing'])
  mode?: 'good-rows' | 'all-or-nothing';
}

// ---- views ------------------------------------------------------------------------------------

export class GradeView {
  @ApiProperty() id!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty() classId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) lessonId!: string | null;
  @ApiProperty({ example: '2026-11-23' }) date!: string;
  @ApiProperty(VALUE_SCHEMA) value!: number | string;
  @ApiProperty({ enum: ['five_point', 'pass_fail'] }) scale!: string;
  @ApiProperty() workType!: string;
  @ApiProperty({ example: 1 }) weight!: number;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ enum: ['manual', 'import', 'homework'] }) source!: string;
  @ApiProperty() enteredBy!: string;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Оценка удалена (в лентах изменений)' }) deleted!: boolean;
}

export class GradeListView {
  @ApiProperty({ type: [GradeView] }) items!: GradeView[];
}

export class GradeChangeView {
  @ApiProperty({ nullable: true, type: String }) id!: string | null;
  @ApiProperty() gradeId!: string;
  @ApiProperty({ enum: ['created', 'changed', 'deleted'] }) action!: string;
  @ApiProperty({ type: Object, nullable: true }) before!: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true }) after!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() changedBy!: string;
  @ApiProperty({ example: 'Иванова М. П.' }) changedByName!: string;
  @ApiProperty() changedAt!: string;
}

export class GradeHistoryView {
  @ApiProperty({ type: GradeView }) grade!: GradeView;
  @ApiProperty({ type: [GradeChangeView], description: 'Выставление и все исправления, по порядку' }) changes!: GradeChangeView[];
}

export class GradeChangePage {
  @ApiProperty({ type: [GradeChangeView] }) items!: GradeChangeView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class GradeFeedView {
  @ApiProperty({ type: [GradeView] }) items!: GradeView[];
  @ApiProperty({ description: 'Передайте как cursor в следующий раз' }) nextCursor!: string;
  @ApiProperty({ deprecated: true, description: 'Deprecated (API v2 drops it): fewer items than `limit` means the feed is caught up' })
  hasMore!: boolean;
}

export class AttendanceView {
  @ApiProperty() id!: string;
  @ApiProperty() lessonId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty() classId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ example: '2026-11-23' }) date!: string;
  @ApiProperty({ enum: ['present', 'absent', 'late', 'excused'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class AttendanceListView {
  @ApiProperty({ type: [AttendanceView] }) items!: AttendanceView[];
}

export class AttendanceFeedView {
  @ApiProperty({ type: [AttendanceView] }) items!: AttendanceView[];
  @ApiProperty({ description: 'Передайте как cursor в следующий раз' }) nextCursor!: string;
  @ApiProperty({ deprecated: true, description: 'Deprecated (API v2 drops it): fewer items than `limit` means the feed is caught up' })
  hasMore!: boolean;
}

export class AverageView {
  @ApiProperty({ nullable: true, type: Number, example: 4.67 }) average!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5, description: 'Отметка, к которой ведёт средний балл' }) suggested!:
    number | null;
  @ApiProperty() count!: number;
  @ApiProperty() weightSum!: number;
}

export class PeriodRef {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['term', 'half', 'year'] }) kind!: string;
  @ApiProperty() startsOn!: string;
  @ApiProperty() endsOn!: string;
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

export class WorkTypeView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() weight!: number;
}

export class GradingSettingsView {
  @ApiProperty() schoolId!: string;
  @ApiProperty({ enum: ['five_point', 'pass_fail'] }) scale!: string;
  @ApiProperty({ type: [WorkTypeView] }) workTypes!: WorkTypeView[];
  @ApiProperty() roundingThreshold!: number;
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

export class ImportRowError {
  @ApiProperty({ description: 'Номер строки в файле (1 — заголовок)' }) line!: number;
  @ApiProperty({ nullable: true, type: String, example: 'student' }) field!: string | null;
  @ApiProperty({ example: 'Ученик «Петров Пётр» не найден в классе' }) reason!: string;
}

export class ImportResultView {
  @ApiProperty({ enum: ['good-rows', 'all-or-nothing'], description: 'Какой режим использован' }) mode!: string;
  @ApiProperty({ description: 'Импорт записан (false: в режиме all-or-nothing были ошибки, не записано ничего)' }) committed!: boolean;
  @ApiProperty() totalRows!: number;
  @ApiProperty() imported!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: [ImportRowError] }) errors!: ImportRowError[];
  @ApiProperty({ description: 'Ошибок больше, чем перечислено' }) errorsTruncated!: boolean;
}
