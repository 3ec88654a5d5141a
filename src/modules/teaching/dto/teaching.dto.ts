import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';

export class CreateTeacherAssignmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() teacherId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() classId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
}

export class ListTeacherAssignmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() schoolId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() classId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() teacherId?: string;
}

export class SetClassTeacherDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() teacherId!: string;
}

export class TeacherAssignmentView {
  @ApiProperty() id!: string;
  @ApiProperty() teacherId!: string;
  @ApiProperty() teacherName!: string;
  @ApiProperty() classId!: string;
  @ApiProperty() className!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() subjectName!: string;
}

export class ClassTeacherView {
  @ApiProperty() classId!: string;
  @ApiProperty() teacherId!: string;
}
