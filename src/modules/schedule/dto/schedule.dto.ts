import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
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
import { LimitParam } from '../../../common/pagination/page';
import { OptionalNotNull } from '../../../common/validation/optional';

export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);

/** A real calendar date YYYY-MM-DD within 2000–2100. */
export function IsSchoolDate(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isISO8601',
      target: object.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
          const d = new Date(`${v}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
        },
      },
    });
}

export class CreateLessonDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() teacherId!: string;
  @ApiProperty({ example: '2026-11-23' }) @IsSchoolDate() date!: string;
  @ApiProperty({ example: '08:30' }) @Matches(TIME_PATTERN) startTime!: string;
  @ApiProperty({ example: '09:15' }) @Matches(TIME_PATTERN) endTime!: string;
  @ApiPropertyOptional({ example: '214' }) @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(50) room?: string;
  @ApiPropertyOptional({ example: '1 группа' }) @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(50) groupName?: string;
  @ApiPropertyOptional({ example: 'Дроби' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) topic?: string;
}

export class PatternItemDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'День недели: 1 — понедельник … 7 — воскресенье' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;
  @ApiProperty({ example: '08:30' }) @Matches(TIME_PATTERN) startTime!: string;
  @ApiProperty({ example: '09:15' }) @Matches(TIME_PATTERN) endTime!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() teacherId!: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(50) room?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(50) groupName?: string;
}

export class CreateTermPatternDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ example: '2026-09-01', description: 'Первый день (включительно)' }) @IsSchoolDate() from!: string;
  @ApiProperty({ example: '2026-10-25', description: 'Последний день (включительно), не более 200 дней от начала' })
  @IsSchoolDate()
  to!: string;
  @ApiProperty({ type: [PatternItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(80)
  @ValidateNested({ each: true })
  @Type(() => PatternItemDto)
  items!: PatternItemDto[];
  @ApiPropertyOptional({ type: [String], example: ['2026-11-04'], description: 'Праздники и каникулы: в эти дни уроков нет' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsSchoolDate({ each: true })
  skipDates?: string[];
}

export class UpdateLessonDto {
  @ApiPropertyOptional({ example: '2026-11-24', description: 'Перенос на другой день' }) @OptionalNotNull() @IsSchoolDate() date?: string;
  @ApiPropertyOptional({ example: '10:30' }) @OptionalNotNull() @Matches(TIME_PATTERN) startTime?: string;
  @ApiPropertyOptional({ example: '11:15' }) @OptionalNotNull() @Matches(TIME_PATTERN) endTime?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Смена кабинета; null — без кабинета' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  room?: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Замена учителя; null — вернуть учителя по расписанию' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  substituteTeacherId?: string | null;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(500) topic?: string;
  @ApiPropertyOptional({ description: 'Причина изменения (видна в истории)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class CancelLessonDto {
  @ApiPropertyOptional({ example: 'Болезнь учителя' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) reason?: string;
}

export class WeekQueryDto {
  @ApiPropertyOptional({ example: '2026-W48', description: 'ISO-неделя ГГГГ-Wнн, current (по умолчанию) или next' })
  @IsOptional()
  @IsString()
  @Matches(/^(current|next|\d{4}-W\d{2})$/)
  week?: string;
}

export class CursorPageQueryDto {
  @ApiPropertyOptional({ description: 'Курсор: id последнего полученного изменения (новые идут раньше)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;
  @LimitParam(200, 50) limit: number = 50;
}

export class ChangesQueryDto extends CursorPageQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
}

export class ReminderSettingDto {
  @ApiProperty({ description: 'Напоминать за 10 минут до начала каждого урока' }) @IsBoolean() enabled!: boolean;
}

// ---- views ------------------------------------------------------------------------------------

export class PersonRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Иванова М. П.' }) shortName!: string;
}

export class NamedRef {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class LessonView {
  @ApiProperty() id!: string;
  @ApiProperty() schoolId!: string;
  @ApiProperty({ type: NamedRef }) class!: NamedRef;
  @ApiProperty({ type: NamedRef }) subject!: NamedRef;
  @ApiProperty({ type: PersonRef }) teacher!: PersonRef;
  @ApiProperty({ type: PersonRef, nullable: true }) substituteTeacher!: PersonRef | null;
  @ApiProperty({ example: '2026-11-23' }) date!: string;
  @ApiProperty({ example: '08:30' }) startTime!: string;
  @ApiProperty({ example: '09:15' }) endTime!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty({ nullable: true, type: String }) room!: string | null;
  @ApiProperty({ nullable: true, type: String }) groupName!: string | null;
  @ApiProperty({ nullable: true, type: String }) topic!: string | null;
  @ApiProperty({ enum: ['scheduled', 'cancelled'] }) status!: string;
}

export class TermPatternResult {
  @ApiProperty() seriesId!: string;
  @ApiProperty() created!: number;
  @ApiProperty({ example: '2026-09-01' }) from!: string;
  @ApiProperty({ example: '2026-10-25' }) to!: string;
}

export class LessonChangeView {
  @ApiProperty() id!: string;
  @ApiProperty() lessonId!: string;
  @ApiProperty({ enum: ['cancelled', 'restored', 'moved', 'substituted', 'room_changed'], isArray: true }) kinds!: string[];
  @ApiProperty({ type: Object, description: 'Изменённые поля до изменения' }) before!: Record<string, unknown>;
  @ApiProperty({ type: Object, description: 'Изменённые поля после изменения' }) after!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ type: PersonRef, nullable: true }) changedBy!: PersonRef | null;
  @ApiProperty() changedAt!: string;
}

export class LessonChangePage {
  @ApiProperty({ type: [LessonChangeView] }) items!: LessonChangeView[];
  @ApiProperty({ nullable: true, type: String, description: 'Передайте как cursor, чтобы получить более ранние изменения' }) nextCursor!:
    string | null;
}

export class HomeworkBrief {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ example: '2026-11-25' }) dueDate!: string;
  @ApiProperty() attachmentCount!: number;
}

export class GradeBrief {
  @ApiProperty() id!: string;
  @ApiProperty({
    oneOf: [
      { type: 'integer', minimum: 1, maximum: 5 },
      { type: 'string', enum: ['pass', 'fail'] },
    ],
  })
  value!: number | string;
  @ApiProperty() workType!: string;
  @ApiProperty() weight!: number;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

export class AttendanceBrief {
  @ApiProperty({ enum: ['absent', 'late', 'excused'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

export class WeekLessonView extends LessonView {
  @ApiProperty({ type: [HomeworkBrief], description: 'Задано на этом уроке' }) homeworkAssigned!: HomeworkBrief[];
  @ApiProperty({ type: [HomeworkBrief], description: 'Задано к этому уроку (срок — этот день, этот предмет)' })
  homeworkDue!: HomeworkBrief[];
  @ApiProperty({ type: [GradeBrief], description: 'Оценки ученика за урок (в недельном виде ученика)' }) grades!: GradeBrief[];
  @ApiProperty({ type: AttendanceBrief, nullable: true, description: 'Отметка посещаемости ученика (в недельном виде ученика)' })
  attendance!: AttendanceBrief | null;
  @ApiProperty({ description: 'Сколько оценок поставлено за урок (в виде учителя и класса)' }) gradeCount!: number;
  @ApiProperty({ description: 'Сколько отметок об отсутствии/опоздании (в виде учителя и класса)' }) absenceCount!: number;
}

export class WeekDayView {
  @ApiProperty({ example: '2026-11-23' }) date!: string;
  @ApiProperty({ minimum: 1, maximum: 7 }) weekday!: number;
  @ApiProperty({ type: [WeekLessonView] }) lessons!: WeekLessonView[];
}

export class DayGradeView extends GradeBrief {
  @ApiProperty({ example: '2026-11-23' }) date!: string;
  @ApiProperty({ type: NamedRef }) subject!: NamedRef;
}

export class WeekView {
  @ApiProperty({ example: '2026-W48' }) week!: string;
  @ApiProperty({ example: '2026-11-23' }) from!: string;
  @ApiProperty({ example: '2026-11-29' }) to!: string;
  @ApiProperty({ example: 'Europe/Moscow' }) timezone!: string;
  @ApiProperty({ type: [WeekDayView] }) days!: WeekDayView[];
  @ApiProperty({ type: [DayGradeView], description: 'Оценки недели, не привязанные к уроку (например, из импорта)' })
  otherGrades!: DayGradeView[];
}

export class ReminderSettingView {
  @ApiProperty() enabled!: boolean;
}
