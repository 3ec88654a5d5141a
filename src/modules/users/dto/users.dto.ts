import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { ALL_ROLES, Role } from '../../../common/auth/role';
import { PageQueryDto } from '../../../common/pagination/page';
import { IsDiaryPassword, PASSWORD_MIN_LENGTH, PASSWORD_RULE_RU } from '../../../common/validation/password';
import { IsSnils } from '../../../common/validation/snils';
import { UserStatus } from '../entities/user.entity';
import { OptionalNotNull } from '../../../common/validation/optional';

const trimName = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);
const lower = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** A calendar date (YYYY-MM-DD) that is not in the future and not absurdly old. */
function IsBirthDate(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPastDate',
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
          const d = new Date(`${v}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) && d.getTime() < Date.now() && d.getUTCFullYear() >= 1900;
        },
      },
    });
}

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
const NAME_PATTERN = /^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]*$/;

export class CreateUserDto {
  @ApiProperty({ example: 'ivanov.petr', description: 'Латиница, цифры и . _ @ -; регистр не важен' })
  @Transform(lower)
  @IsString()
  @Matches(LOGIN_PATTERN)
  login!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, example: 'Secret-pass-1', description: `Пароль: ${PASSWORD_RULE_RU}` })
  @IsString()
  @IsDiaryPassword()
  password!: string;

  @ApiProperty({ example: 'Иванов' })
  @Transform(trimName)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  lastName!: string;

  @ApiProperty({ example: 'Пётр' })
  @Transform(trimName)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  firstName!: string;

  @ApiPropertyOptional({ example: 'Сергеевич' })
  @IsOptional()
  @Transform(trimName)
  @IsString()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  middleName?: string;

  @ApiProperty({ example: '2012-04-09', format: 'date' })
  @IsBirthDate()
  birthDate!: string;

  @ApiPropertyOptional({ example: '112-233-445 95', description: 'СНИЛС; хранится в зашифрованном виде' })
  @IsOptional()
  @IsSnils()
  snils?: string;

  @ApiProperty({ enum: ALL_ROLES, isArray: true, example: ['student'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsEnum(Role, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Обязательна для всех ролей, кроме администраторов региона и платформы' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Только для администратора региона, создаваемого администратором платформы' })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Класс ученика' })
  @IsOptional()
  @IsUUID()
  classId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Дети родителя (ученики)' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  childIds?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trimName)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  lastName?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Transform(trimName)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  firstName?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Transform(trimName)
  @IsString()
  @MaxLength(100)
  @Matches(NAME_PATTERN)
  middleName?: string | null;

  @ApiPropertyOptional({ format: 'date' })
  @OptionalNotNull()
  @IsBirthDate()
  birthDate?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null удаляет СНИЛС' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsSnils()
  snils?: string | null;

  @ApiPropertyOptional({ enum: ALL_ROLES, isArray: true })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Role, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ enum: UserStatus })
  @OptionalNotNull()
  @IsIn(Object.values(UserStatus))
  status?: UserStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Перевод ученика в другой класс; null — отчислить из класса',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  classId?: string | null;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, description: `Пароль: ${PASSWORD_RULE_RU}` })
  @IsString()
  @IsDiaryPassword()
  password!: string;
}

export class LinkChildDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  childId!: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  classId?: string;

  @ApiPropertyOptional({ enum: ALL_ROLES })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ description: 'Поиск по фамилии, имени или логину' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class UserView {
  @ApiProperty() id!: string;
  @ApiProperty() login!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ nullable: true, type: String }) middleName!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) birthDate!: string | null;
  @ApiProperty({ enum: ALL_ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ enum: UserStatus }) status!: UserStatus;
  @ApiProperty({ nullable: true, type: String }) schoolId!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Текущий класс ученика' }) classId!: string | null;
  @ApiProperty({ type: [String] }) childIds!: string[];
  @ApiProperty({ description: 'СНИЛС указан (сам номер не возвращается)' }) hasSnils!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lockedUntil!: string | null;
}

export class PersonRef {
  @ApiProperty() id!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ nullable: true, type: String }) middleName!: string | null;
}

export class ClassRef {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '7А' }) name!: string;
  @ApiProperty() academicYear!: number;
}

export class SchoolRef {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionId!: string;
}

export class ChildView extends PersonRef {
  @ApiProperty({ nullable: true, type: ClassRef }) class!: ClassRef | null;
  @ApiProperty({ nullable: true, type: SchoolRef }) school!: SchoolRef | null;
}

export class MeView {
  @ApiProperty() id!: string;
  @ApiProperty() login!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty({ nullable: true, type: String }) middleName!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) birthDate!: string | null;
  @ApiProperty({ enum: ALL_ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ nullable: true, type: SchoolRef }) school!: SchoolRef | null;
  @ApiProperty({ nullable: true, type: String }) regionId!: string | null;
  @ApiProperty({ nullable: true, type: ClassRef, description: 'Класс ученика' }) class!: ClassRef | null;
  @ApiProperty({ type: [ChildView] }) children!: ChildView[];
}

export class StudentProfileView extends PersonRef {
  @ApiProperty({ nullable: true, type: ClassRef }) class!: ClassRef | null;
  @ApiProperty({ nullable: true, type: SchoolRef }) school!: SchoolRef | null;
}
