import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { IsSchoolDate } from '../../schedule/dto/schedule.dto';
import { LimitParam } from '../../../common/pagination/page';
import { OptionalNotNull } from '../../../common/validation/optional';

/** Grade values and cursors every grades DTO uses; entering and correcting grades, their history (GradeEntryService). */

export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

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

export class HistoryQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @ApiPropertyOptional({ description: 'Курсор: id последнего полученного исправления' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;
  @LimitParam(200, 50) limit: number = 50;
}

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
