import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalNotNull } from '../../../common/validation/optional';
import { IsDiaryPassword, PASSWORD_MIN_LENGTH, PASSWORD_RULE_RU } from '../../../common/validation/password';
import { ESIA_PASSWORD_WINDOW_MINUTES } from '../me-password.service';

export class ChangeOwnPasswordDto {
  @ApiPropertyOptional({
    description:
      `Текущий пароль. Можно не указывать только в течение ${ESIA_PASSWORD_WINDOW_MINUTES} минут после входа через Госуслуги ` +
      '(забытый пароль); иначе CURRENT_PASSWORD_REQUIRED',
  })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  currentPassword?: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, example: 'Novyi-parol-2026', description: `Новый пароль: ${PASSWORD_RULE_RU}` })
  @IsString()
  @IsDiaryPassword()
  newPassword!: string;
}
