import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsISO8601, IsOptional, Matches, ValidateIf } from 'class-validator';
import { CONNECTION_TEST_PROBLEMS, CONNECTION_TEST_STEPS } from '../../esia/identity-provider';

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm): a moment, not a local time, in the years 2000–2100. */
const MOMENT = /^(20\d\d|2100)-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export class PutAuthSettingsDto {
  @ApiProperty({ description: 'Вход через Госуслуги включён для региона' })
  @IsDefined()
  @IsBoolean()
  esiaEnabled!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-09-01T00:00:00+03:00',
    description: 'Начало переходного периода (null — уже начался)',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsDefined()
  @Matches(MOMENT)
  @IsISO8601({ strict: true })
  transitionStartsAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-12-31T00:00:00+03:00',
    description: 'Конец переходного периода: после него вход по паролю закрыт (null — без конца)',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsDefined()
  @Matches(MOMENT)
  @IsISO8601({ strict: true })
  transitionEndsAt!: string | null;

  @ApiProperty({ description: 'После переходного периода сотрудники (учителя, администраторы) сохраняют вход по паролю' })
  @IsDefined()
  @IsBoolean()
  staffPasswordLogin!: boolean;

  @ApiPropertyOptional({
    description:
      'Администраторы школ и региона входят по паролю только со вторым фактором (код из приложения-аутентификатора); ' +
      'без подключённого фактора после пароля им предлагается его подключить. Не указано — значение не меняется',
  })
  @IsOptional()
  @IsBoolean()
  adminMfaRequired?: boolean;
}

export class AuthSettingsView {
  @ApiProperty() regionId!: string;
  @ApiProperty() esiaEnabled!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) transitionStartsAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) transitionEndsAt!: string | null;
  @ApiProperty() staffPasswordLogin!: boolean;
  @ApiProperty({ description: 'School and region admins must sign in with a second factor' }) adminMfaRequired!: boolean;
  @ApiProperty({ enum: ['esia_off', 'before_transition', 'transition', 'esia_only'], description: 'Where the region stands now' })
  phase!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null: never saved (defaults)' }) updatedAt!:
    string | null;
}

export class EsiaRegionView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '77' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['transition', 'esia_only'] }) phase!: string;
  @ApiProperty({ description: 'Вход по паролю ещё открыт (переходный период)' }) passwordLoginOpen!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) transitionEndsAt!: string | null;
}

export class EsiaRegionPageView {
  @ApiProperty({ type: [EsiaRegionView] }) items!: EsiaRegionView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ConnectionTestStepView {
  @ApiProperty({ enum: CONNECTION_TEST_STEPS }) step!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Что проверено или что не так (по-русски)' }) detail!: string;
  @ApiPropertyOptional({ example: 'ESIA-007053' }) esiaCode?: string;
  @ApiPropertyOptional({ enum: CONNECTION_TEST_PROBLEMS, description: 'What a failed step found (stable code)' }) problem?: string;
}

export class ConnectionTestView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The first step that failed, null when all passed' }) failedStep!:
    string | null;
  @ApiProperty({ type: [ConnectionTestStepView] }) steps!: ConnectionTestStepView[];
}
