import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { OptionalNotNull } from '../../../common/validation/optional';
import { QueryInt } from '../../../common/validation/numbers';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);

/** IANA zones of Russia: enough for every school, and a closed list keeps typos out. */
export const RUSSIAN_TIME_ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Simferopol',
  'Europe/Kirov',
  'Europe/Volgograd',
  'Europe/Astrakhan',
  'Europe/Saratov',
  'Europe/Ulyanovsk',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Barnaul',
  'Asia/Tomsk',
  'Asia/Novokuznetsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Chita',
  'Asia/Yakutsk',
  'Asia/Khandyga',
  'Asia/Vladivostok',
  'Asia/Ust-Nera',
  'Asia/Magadan',
  'Asia/Sakhalin',
  'Asia/Srednekolymsk',
  'Asia/Kamchatka',
  'Asia/Anadyr',
] as const;

export class CreateRegionDto {
  @ApiProperty({ example: '77', description: 'Код региона' })
  @Transform(trim)
  @IsString()
  @Matches(/^[0-9A-Za-z-]{1,10}$/)
  code!: string;

  @ApiProperty({ example: 'Москва' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Europe/Moscow', enum: RUSSIAN_TIME_ZONES })
  @OptionalNotNull()
  @IsIn(RUSSIAN_TIME_ZONES)
  timezone?: string;
}

/** Every field may be left out, none may be null (the columns are NOT NULL). */
export class UpdateRegionDto extends PartialType(CreateRegionDto, { skipNullProperties: false }) {}

export class CreateSchoolDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  regionId!: string;

  @ApiProperty({ example: 'ГБОУ Школа № 1535' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({ example: 'Школа 1535' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  shortName?: string;

  @ApiPropertyOptional({ enum: RUSSIAN_TIME_ZONES, description: 'Если не задан, берётся часовой пояс региона' })
  @IsOptional()
  @IsIn(RUSSIAN_TIME_ZONES)
  timezone?: string;
}

export class UpdateSchoolDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null удаляет краткое название' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  shortName?: string | null;

  @ApiPropertyOptional({ enum: RUSSIAN_TIME_ZONES, nullable: true, type: String, description: 'null — часовой пояс региона' })
  @IsOptional()
  @IsIn(RUSSIAN_TIME_ZONES)
  timezone?: string | null;
}

export class CreateClassDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  schoolId!: string;

  @ApiProperty({ example: '7А', description: 'Параллель и литера' })
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : value))
  @IsString()
  @Matches(/^(1[01]|[1-9])[-]?[А-ЯЁA-Z0-9]{0,3}$/)
  name!: string;

  @ApiProperty({ example: 2026, description: 'Первый год учебного года: 2026 — это 2026/2027' })
  @IsInt()
  @Min(2000)
  @Max(2100)
  academicYear!: number;
}

export class UpdateClassDto {
  @ApiPropertyOptional({ example: '7Б' })
  @OptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s+/g, '').toUpperCase() : value))
  @IsString()
  @Matches(/^(1[01]|[1-9])[-]?[А-ЯЁA-Z0-9]{0,3}$/)
  name?: string;
}

export class CreateSubjectDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  schoolId!: string;

  @ApiProperty({ example: 'Математика' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'Матем.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  shortName?: string;
}

export class UpdateSubjectDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null удаляет краткое название' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  shortName?: string | null;
}

export class ListSchoolsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export class ListBySchoolQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ListClassesQueryDto extends ListBySchoolQueryDto {
  @ApiPropertyOptional({ example: 2026, type: 'integer', minimum: 2000, maximum: 2100 })
  @IsOptional()
  @QueryInt(2000, 2100)
  academicYear?: number;
}

export class RegionView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timezone!: string;
}

export class SchoolView {
  @ApiProperty() id!: string;
  @ApiProperty() regionId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) shortName!: string | null;
  @ApiProperty({ description: 'Действующий часовой пояс (школы или региона)' }) timezone!: string;
}

export class ClassView {
  @ApiProperty() id!: string;
  @ApiProperty() schoolId!: string;
  @ApiProperty({ example: '7А' }) name!: string;
  @ApiProperty({ example: 7 }) grade!: number;
  @ApiProperty({ example: 2026 }) academicYear!: number;
}

export class SubjectView {
  @ApiProperty() id!: string;
  @ApiProperty() schoolId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) shortName!: string | null;
}
