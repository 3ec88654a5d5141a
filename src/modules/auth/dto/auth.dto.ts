import { DEPRECATED_CURSOR_ALIAS } from '../../../common/pagination/cursor';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { MeView } from '../../users/dto/users.dto';
import { LimitParam } from '../../../common/pagination/page';

export class LoginDto {
  @ApiProperty({ example: 'teacher.demo' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  login!: string;

  @ApiProperty({ example: 'Demo-2026!' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'Refresh token from the last login or refresh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken!: string;
}

export class TokenPairView {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ description: 'Access token lifetime, seconds' }) expiresIn!: number;
}

export class LoginResultView extends TokenPairView {
  @ApiProperty({ type: MeView }) user!: MeView;
}

export class PasswordLoginResultView extends LoginResultView {
  @ApiProperty({
    description:
      "True during the region's ESIA transition period for a user without a Госуслуги link: the frontend offers " +
      '"Привязать учетную запись портала Госуслуг" (POST /auth/esia/link-start) or "Пропустить" (keep the tokens)',
  })
  esiaLinkSuggested!: boolean;
}

/** `limit` and the keyset `cursor` of the newest-first audit lists (login history, second-factor audit). */
export class CursorQueryDto {
  @LimitParam(200, 50)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page; without it, the newest first' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;

  @ApiPropertyOptional({ deprecated: true, description: DEPRECATED_CURSOR_ALIAS })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  before?: string;
}

export class HistoryQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class AdminHistoryQueryDto extends HistoryQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() schoolId?: string;
}

export class LoginAttemptDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ enum: ['password', 'esia'] }) method!: string;
  @ApiProperty({ enum: ['success', 'failure', 'pending'], description: 'pending: the password was right, a second factor was asked for' })
  outcome!: string;
  @ApiProperty({ example: 'invalid_password' }) reason!: string;
}

export class LoginHistoryView {
  @ApiProperty({ type: [LoginAttemptDto] }) items!: LoginAttemptDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
