import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CursorQueryDto, PasswordLoginResultView } from '../../dto/auth.dto';
import { MFA_AUDIT_ACTIONS } from '../entities/mfa-audit.entity';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export class MfaStatusView {
  @ApiProperty({ description: 'Second factor (TOTP) in force' }) enabled!: boolean;
  @ApiProperty({ description: 'Enrolment started (secret issued) but not confirmed with a code yet' }) pending!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) enabledAt!: string | null;
  @ApiProperty({ description: 'Unused recovery codes' }) recoveryCodesLeft!: number;
  @ApiProperty({ description: 'The account may use a second factor (staff only)' }) available!: boolean;
  @ApiProperty({ description: "The region's policy requires it for this account: it cannot be switched off" }) required!: boolean;
}

export class TotpEnrolmentView {
  @ApiProperty({
    description: 'Base32 secret, for typing into the app instead of scanning; shown only now',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret!: string;
  @ApiProperty({
    example:
      'otpauth://totp/%D0%AD%D0%BB%D0%B5%D0%BA%D1%82%D1%80%D0%BE%D0%BD%D0%BD%D1%8B%D0%B9%20%D0%B4%D0%BD%D0%B5%D0%B2%D0%BD%D0%B8%D0%BA:teacher.demo?issuer=...',
  })
  otpauthUri!: string;
  @ApiProperty({
    description: 'The otpauth URI as a QR code: an SVG data URL for an <img src>',
    example: 'data:image/svg+xml;base64,PHN2Zy…',
  })
  qrCode!: string;
  @ApiProperty({ example: 'Электронный дневник' }) issuer!: string;
  @ApiProperty({ description: 'The account name in the app (the diary login)', example: 'teacher.demo' }) account!: string;
}

export class TotpCodeDto {
  @ApiProperty({ description: 'Six digits from the authenticator app (spaces allowed)', example: '123456' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  code!: string;
}

export class RecoveryCodesView {
  @ApiProperty({
    type: [String],
    description: 'Ten one-time codes, shown only now; each signs in once instead of a TOTP code',
    example: ['7k3mx-q9w2e'],
  })
  recoveryCodes!: string[];
}

/** Proof of presence for changing the factor: a current TOTP code, or the diary password. */
export class MfaReauthDto {
  @ApiPropertyOptional({ description: 'A current code from the app (or give password)', example: '123456' })
  @ValidateIf((o: MfaReauthDto) => o.password === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  code?: string;

  @ApiPropertyOptional({ description: 'The diary password (or give code)' })
  @ValidateIf((o: MfaReauthDto) => o.code === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password?: string;
}

export class MfaLoginDto {
  @ApiProperty({ description: 'details.challenge of the MFA_REQUIRED answer' })
  @IsString()
  @Matches(CHALLENGE)
  challenge!: string;

  @ApiPropertyOptional({ description: 'A code from the app (or give recoveryCode)', example: '123456' })
  @ValidateIf((o: MfaLoginDto) => o.recoveryCode === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  code?: string;

  @ApiPropertyOptional({ description: 'One of the recovery codes (or give code)', example: '7k3mx-q9w2e' })
  @ValidateIf((o: MfaLoginDto) => o.code === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  recoveryCode?: string;
}

export class MfaChallengeDto {
  @ApiProperty({ description: 'details.challenge of the MFA_ENROLMENT_REQUIRED answer' })
  @IsString()
  @Matches(CHALLENGE)
  challenge!: string;
}

export class MfaEnrolConfirmDto extends MfaChallengeDto {
  @ApiProperty({ description: 'Six digits from the app, after scanning the QR code', example: '123456' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  code!: string;
}

export class MfaEnrolledLoginView extends PasswordLoginResultView {
  @ApiProperty({ type: [String], description: 'Ten one-time recovery codes, shown only now' })
  recoveryCodes!: string[];
}

export class MfaAuditQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
}

export class MfaAuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'Whose factor' }) userId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who changed it (the user, or the admin who reset it)' }) actorId!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) schoolId!: string | null;
  @ApiProperty({ enum: MFA_AUDIT_ACTIONS }) action!: string;
}

export class MfaAuditPageView {
  @ApiProperty({ type: [MfaAuditEntryView] }) items!: MfaAuditEntryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
