import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

/** The grade import (GradeImportService). */

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
