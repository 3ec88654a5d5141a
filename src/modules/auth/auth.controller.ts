import { Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import { pageCursor } from '../../common/pagination/cursor';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { Client, RequestClient } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { AuthService, PasswordChecked } from './auth.service';
import { CheckedPassword, LocalAuthGuard } from './strategies/local-auth.guard';
import {
  AdminHistoryQueryDto,
  HistoryQueryDto,
  LoginDto,
  LoginHistoryView,
  PasswordLoginResultView,
  RefreshDto,
  TokenPairView,
} from './dto/auth.dto';
import { CSV_EXPORT_LIMIT, LoginAttemptView, LoginHistoryService, loginHistoryCsv } from './login-history.service';
import { SignInRateLimit } from './sign-in-rate-limit';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @SignInRateLimit()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with the diary login and password',
    description:
      '401 INVALID_CREDENTIALS, 423 ACCOUNT_LOCKED (after 5 failures in a row, for 15 minutes), 403 ACCOUNT_DISABLED, 429 TOO_MANY_LOGIN_ATTEMPTS, ' +
      '403 PASSWORD_LOGIN_CLOSED (the region\'s ESIA transition period is over: use "Войти через Госуслуги"). ' +
      'During the transition period `esiaLinkSuggested` is true for a user without a Госуслуги link.',
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: PasswordLoginResultView })
  login(@CheckedPassword() checked: PasswordChecked, @Client() client: RequestClient): Promise<PasswordLoginResultView> {
    return this.auth.login(checked, client);
  }

  @Public()
  @RateLimit('token')
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Swap the refresh token for a new pair; an already used token ends the session (REFRESH_TOKEN_REUSED)',
    description:
      'The new access token carries the current roles and school. 401 INVALID_REFRESH_TOKEN (unknown, ended or expired session), ' +
      '401 REFRESH_TOKEN_REUSED, 401 SESSION_REVOKED (every session of the user was ended: a new password, see docs/security.md), ' +
      '403 ACCOUNT_DISABLED (the account is blocked), 429 TOO_MANY_REQUESTS (per-address limit, Retry-After).',
  })
  @ApiOkResponse({ type: TokenPairView })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairView> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Public()
  @RateLimit('token')
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the session of this refresh token',
    description: '429 TOO_MANY_REQUESTS (per-address limit, Retry-After).',
  })
  logout(@Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(dto.refreshToken);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/login-history')
export class MyLoginHistoryController {
  constructor(private readonly history: LoginHistoryService) {}

  @Get()
  @ApiOperation({ summary: 'Own sign-in attempts, newest first; ?format=csv downloads them as CSV' })
  @ApiOkResponse({ type: LoginHistoryView })
  @ApiProduces('application/json', 'text/csv')
  async list(
    @CurrentUser() p: Principal,
    @Query() q: HistoryQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginHistoryView | string> {
    if (q.format === 'csv') return csvAnswer(res, (await this.history.forUser(p.userId, CSV_EXPORT_LIMIT, pageCursor(q))).items, false);
    return this.history.forUser(p.userId, q.limit, pageCursor(q));
  }
}

@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('admin/login-history')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class AdminLoginHistoryController {
  constructor(private readonly history: LoginHistoryService) {}

  @Get()
  @ApiOperation({
    summary: 'Sign-in attempts of users in the schools the caller administers; ?format=csv downloads them as CSV',
    description: `CSV: UTF-8 with BOM, ";"-separated, up to ${CSV_EXPORT_LIMIT} rows (newest first, from \`before\` when given), with the user id column.`,
  })
  @ApiOkResponse({ type: LoginHistoryView })
  @ApiProduces('application/json', 'text/csv')
  async list(
    @CurrentUser() p: Principal,
    @Query() q: AdminHistoryQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginHistoryView | string> {
    const filter = { userId: q.userId, schoolId: q.schoolId, before: pageCursor(q) };
    if (q.format === 'csv') return csvAnswer(res, (await this.history.forAdmin(p, CSV_EXPORT_LIMIT, filter)).items, true);
    return this.history.forAdmin(p, q.limit, filter);
  }
}

/** Sets the download headers and returns the CSV body of a login history. */
function csvAnswer(res: Response, items: LoginAttemptView[], withUser: boolean): string {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="login-history.csv"');
  return loginHistoryCsv(items, withUser);
}
