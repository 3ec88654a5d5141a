import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { trim } from './grades.dto';

/** Marking attendance (AttendanceService). */

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
