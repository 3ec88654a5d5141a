import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsGradeValue, NULLABLE_VALUE_SCHEMA, VALUE_SCHEMA } from '../../grades/dto/grades.dto';
import { IsSchoolDate } from '../../schedule/dto/schedule.dto';
import { LimitParam, OffsetParam } from '../../../common/pagination/page';
import { OptionalNotNull } from '../../../common/validation/optional';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class CreateHomeworkDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Урок, на котором задано' }) @IsOptional() @IsUUID() lessonId?: string;
  @ApiProperty({ example: '№ 245, 247; выучить правило на с. 56' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  text!: string;
  @ApiProperty({ example: '2026-11-25' }) @IsSchoolDate() dueDate!: string;
}

export class UpdateHomeworkDto {
  @ApiPropertyOptional() @OptionalNotNull() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(5000) text?: string;
  @ApiPropertyOptional({ example: '2026-11-26' }) @OptionalNotNull() @IsSchoolDate() dueDate?: string;
}

export class ListHomeworkQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subjectId?: string;
  @ApiPropertyOptional({ example: '2026-11-23', description: 'Срок сдачи не раньше' }) @IsOptional() @IsSchoolDate() from?: string;
  @ApiPropertyOptional({ example: '2026-11-29', description: 'Срок сдачи не позже' }) @IsOptional() @IsSchoolDate() to?: string;
  @LimitParam(100, 50) limit: number = 50;
  @OffsetParam() offset: number = 0;
}

/** Text fields of the multipart submission form. */
export class SubmitFieldsDto {
  @ApiPropertyOptional({ maxLength: 10000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(10000) text?: string;
}

export class ReturnSubmissionDto {
  @ApiProperty({ example: 'Исправьте задачу 3' }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000) comment!: string;
}

export class GradeSubmissionDto {
  @ApiProperty(VALUE_SCHEMA) @IsGradeValue() value!: number | string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) comment?: string;
}

export class CreateCommentDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Чья работа обсуждается; ученику и родителю с одним ребёнком можно не указывать' })
  @OptionalNotNull()
  @IsUUID()
  studentId?: string;
  @ApiProperty({ maxLength: 2000 }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000) body!: string;
}

export class CommentsQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() studentId!: string;
  @LimitParam(200, 100) limit: number = 100;
  @OffsetParam() offset: number = 0;
}

export class SubmissionsQueryDto {
  @LimitParam(200, 100) limit: number = 100;
  @OffsetParam() offset: number = 0;
}

// ---- views ------------------------------------------------------------------------------------

export class FileView {
  @ApiProperty() id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ description: 'Скачать: GET /api/v1/homework/files/{id}' }) url!: string;
}

export class HomeworkView {
  @ApiProperty() id!: string;
  @ApiProperty() classId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ nullable: true, type: String }) lessonId!: string | null;
  @ApiProperty() teacherId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ example: '2026-11-25' }) dueDate!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: [FileView] }) attachments!: FileView[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class HomeworkPage {
  @ApiProperty({ type: [HomeworkView] }) items!: HomeworkView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class SubmissionView {
  @ApiProperty({ nullable: true, type: String }) id!: string | null;
  @ApiProperty() homeworkId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ example: 'Петров П.' }) studentName!: string;
  @ApiProperty({ enum: ['not_submitted', 'submitted', 'late', 'returned', 'graded'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) text!: string | null;
  @ApiProperty({ nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty() late!: boolean;
  @ApiProperty() attempt!: number;
  @ApiProperty({ nullable: true, type: String }) teacherComment!: string | null;
  @ApiProperty({ nullable: true, type: String }) gradeId!: string | null;
  @ApiProperty(NULLABLE_VALUE_SCHEMA) grade!: number | string | null;
  @ApiProperty({ type: [FileView] }) files!: FileView[];
}

export class SubmissionPage {
  @ApiProperty({ type: [SubmissionView] }) items!: SubmissionView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class CommentView {
  @ApiProperty() id!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty() authorId!: string;
  @ApiProperty({ example: 'Иванова М. П.' }) authorName!: string;
  @ApiProperty() body!: string;
  @ApiProperty() createdAt!: string;
}

export class CommentPage {
  @ApiProperty({ type: [CommentView] }) items!: CommentView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
