import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalNotNull } from '../../../common/validation/optional';
import { WORK_TYPE_PATTERN, trim } from './grades.dto';

/** A school's grading settings (GradingSettingsService). */

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
