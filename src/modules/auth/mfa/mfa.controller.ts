import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../../common/auth/principal';
import { Role } from '../../../common/auth/role';
import { Client, RequestClient } from '../../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../../common/decorators/current-user.decorator';
import { Public } from '../../../common/decorators/public.decorator';
import { Roles } from '../../../common/decorators/roles.decorator';
import { ParseId } from '../../../common/pipes/parse-id.pipe';
import { PasswordLoginResultView } from '../dto/auth.dto';
import { SignInRateLimit } from '../sign-in-rate-limit';
import {
  MfaAuditPageView,
  MfaAuditQueryDto,
  MfaChallengeDto,
  MfaEnrolConfirmDto,
  MfaEnrolledLoginView,
  MfaLoginDto,
  MfaReauthDto,
  MfaStatusView,
  RecoveryCodesView,
  TotpCodeDto,
  TotpEnrolmentView,
} from './dto/mfa.dto';
import { MFA_CHALLENGE_MAX_ATTEMPTS, MFA_CHALLENGE_TTL_SEC } from './mfa-challenge.store';
import { MfaSignInService } from './mfa-sign-in.service';
import { MfaErrors } from './mfa.errors';
import { MfaService } from './mfa.service';

const CHALLENGE_RULES =
  `A challenge lives ${MFA_CHALLENGE_TTL_SEC / 60} minutes and allows ${MFA_CHALLENGE_MAX_ATTEMPTS} tries, then 401 MFA_CHALLENGE_INVALID ` +
  '(also for an unknown or used one: sign in with the password again). ';

@ApiTags('auth')
@Controller('auth/login/mfa')
export class MfaSignInController {
  constructor(private readonly signIn: MfaSignInService) {}

  @Public()
  @SignInRateLimit()
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second step of a password sign-in: a code from the authenticator app, or a recovery code',
    description:
      'After POST /auth/login answered 401 MFA_REQUIRED: send its details.challenge with `code` (6 digits) or `recoveryCode`. ' +
      'Answers the same body as a password sign-in. ' +
      CHALLENGE_RULES +
      '401 MFA_CODE_INVALID (details.attemptsLeft), 401 MFA_CODE_REUSED (the code of this 30-second step was used already); a wrong code counts ' +
      'towards the lockout like a wrong password: 423 ACCOUNT_LOCKED. 403 ACCOUNT_DISABLED, 403 PASSWORD_LOGIN_CLOSED, 429 TOO_MANY_LOGIN_ATTEMPTS, ' +
      '503 SERVICE_UNAVAILABLE (Redis), 400 VALIDATION_FAILED.',
  })
  @ApiOkResponse({ type: PasswordLoginResultView })
  withCode(@Body() dto: MfaLoginDto, @Client() client: RequestClient): Promise<PasswordLoginResultView> {
    return this.signIn.withCode(dto, client);
  }

  @Public()
  @SignInRateLimit()
  @Post('enrol')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enrolment the region requires, during sign-in: the secret, otpauth URI and QR code',
    description:
      'After POST /auth/login answered 401 MFA_ENROLMENT_REQUIRED: its details.challenge (spends no try; a repeated call issues a new secret). ' +
      CHALLENGE_RULES +
      '403 ACCOUNT_DISABLED, 423 ACCOUNT_LOCKED, 409 MFA_ALREADY_ENABLED, 429 TOO_MANY_LOGIN_ATTEMPTS, 503 SERVICE_UNAVAILABLE.',
  })
  @ApiOkResponse({ type: TotpEnrolmentView })
  startEnrolment(@Body() dto: MfaChallengeDto, @Client() client: RequestClient): Promise<TotpEnrolmentView> {
    return this.signIn.startEnrolment(dto.challenge, client);
  }

  @Public()
  @SignInRateLimit()
  @Post('enrol/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the enrolment with the first code from the app: the factor is in force and the user is signed in',
    description:
      'Answers the password sign-in body plus the ten recovery codes (shown only now). ' +
      CHALLENGE_RULES +
      '401 MFA_CODE_INVALID (details.attemptsLeft), 409 MFA_ENROLMENT_NOT_STARTED (call /auth/login/mfa/enrol first), 409 MFA_ALREADY_ENABLED, ' +
      '403 ACCOUNT_DISABLED, 423 ACCOUNT_LOCKED, 429 TOO_MANY_LOGIN_ATTEMPTS, 503 SERVICE_UNAVAILABLE.',
  })
  @ApiOkResponse({ type: MfaEnrolledLoginView })
  confirmEnrolment(@Body() dto: MfaEnrolConfirmDto, @Client() client: RequestClient): Promise<MfaEnrolledLoginView> {
    return this.signIn.confirmEnrolment(dto.challenge, dto.code, client);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/mfa')
export class MyMfaController {
  constructor(private readonly mfa: MfaService) {}

  @Get()
  @ApiOperation({ summary: 'Whether the own second factor (TOTP) is on, may be used, and is required by the region' })
  @ApiOkResponse({ type: MfaStatusView })
  status(@CurrentUser() p: Principal): Promise<MfaStatusView> {
    return this.mfa.status(p.userId);
  }

  @Post('totp')
  @ApiOperation({
    summary: 'Start enrolling an authenticator app: a new secret, its otpauth URI and a QR code',
    description:
      'Confirm with POST /me/mfa/totp/confirm; until then the factor is not in force. 403 MFA_NOT_AVAILABLE (students and parents), 409 MFA_ALREADY_ENABLED.',
  })
  @ApiCreatedResponse({ type: TotpEnrolmentView })
  start(@CurrentUser() p: Principal): Promise<TotpEnrolmentView> {
    return this.mfa.startEnrolment(p.userId);
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the enrolment with a code from the app: the factor is in force; answers ten one-time recovery codes (shown only now)',
    description: '403 MFA_CODE_INVALID, 409 MFA_ENROLMENT_NOT_STARTED, 409 MFA_ALREADY_ENABLED, 400 VALIDATION_FAILED.',
  })
  @ApiOkResponse({ type: RecoveryCodesView })
  async confirm(@CurrentUser() p: Principal, @Body() dto: TotpCodeDto): Promise<RecoveryCodesView> {
    const recoveryCodes = await this.mfa.confirmEnrolment(p.userId, dto.code);
    if (!recoveryCodes) throw MfaErrors.confirmCodeInvalid();
    return { recoveryCodes };
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ten new recovery codes (the old ones stop working), with a current code or the password',
    description: '403 REAUTH_FAILED (counts towards the lockout), 423 ACCOUNT_LOCKED, 409 MFA_NOT_ENABLED, 400 VALIDATION_FAILED.',
  })
  @ApiOkResponse({ type: RecoveryCodesView })
  async regenerate(@CurrentUser() p: Principal, @Body() dto: MfaReauthDto): Promise<RecoveryCodesView> {
    return { recoveryCodes: await this.mfa.regenerateRecoveryCodes(p, dto) };
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Switch the own second factor off, with a current code or the password (body)',
    description:
      '403 MFA_REQUIRED_BY_POLICY (the region requires it for this account), 403 REAUTH_FAILED (counts towards the lockout), 423 ACCOUNT_LOCKED, ' +
      '409 MFA_NOT_ENABLED, 400 VALIDATION_FAILED.',
  })
  @ApiNoContentResponse()
  disable(@CurrentUser() p: Principal, @Body() dto: MfaReauthDto): Promise<void> {
    return this.mfa.disable(p, dto);
  }
}

@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('admin')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class AdminMfaController {
  constructor(private readonly mfa: MfaService) {}

  @Delete('users/:id/mfa')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Reset a user's second factor: removes the TOTP and recovery codes, ends all the user's sessions, audited, the user is notified",
    description: "404 USER_NOT_FOUND outside the caller's school (region) scope, 409 MFA_NOT_ENABLED.",
  })
  @ApiNoContentResponse()
  reset(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.mfa.adminReset(p, id);
  }

  @Get('mfa-audit')
  @ApiOperation({
    summary: "Who enabled, disabled, renewed or reset whose second factor, and when (users of the caller's scope), newest first",
  })
  @ApiOkResponse({ type: MfaAuditPageView })
  audit(@CurrentUser() p: Principal, @Query() q: MfaAuditQueryDto): Promise<MfaAuditPageView> {
    return this.mfa.auditLog(p, q);
  }
}
