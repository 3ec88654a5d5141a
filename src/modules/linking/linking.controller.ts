import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { Client, RequestClient } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { Page } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SignInRateLimit } from '../auth/sign-in-rate-limit';
import { AdminEsiaLinkPageView, AdminEsiaLinkView, ListEsiaLinksQueryDto } from '../esia-links/dto/esia-links.dto';
import { EsiaLinksService } from '../esia-links/esia-links.service';
import { EsiaExchangeDto, EsiaLinkDto, EsiaLinkStartView, EsiaSignInView, MyEsiaLinkView } from './dto/linking.dto';
import { CallbackOutcome, EsiaSignInService } from './esia-sign-in.service';
import { LinkManagementService } from './link-management.service';
import { EsiaCallbackGuard, EsiaLoginGuard } from './strategies/esia-auth.guards';
import { clearFlowCookie, EsiaOutcome, noStore } from './strategies/esia-flow-request';

@ApiTags('auth: Госуслуги')
@Controller('auth/esia')
export class EsiaAuthController {
  constructor(
    private readonly esia: EsiaSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @RateLimit('esia')
  @Get('login')
  @ApiOperation({
    summary: '"Войти через Госуслуги": 302 to the ESIA login page',
    description:
      'Creates a one-time OAuth state (Redis, 10 minutes) bound to this browser by an httpOnly SameSite=Lax cookie. ' +
      'With `intent` (from POST /auth/esia/link-start) the flow links the Госуслуги account to the signed-in user ("Привязать"). ' +
      'If ESIA cannot be reached, or the intent is unknown, 302 to FRONTEND_URL?error=CODE. ' +
      'Overload answers directly, with Retry-After: 429 TOO_MANY_REQUESTS (per-address limit), ' +
      '503 ESIA_UNAVAILABLE (too many sign-ins pending, or the request signer is busy).',
  })
  @ApiQuery({ name: 'intent', required: false, description: 'Link intent from POST /auth/esia/link-start' })
  @ApiFoundResponse({ description: 'Location: the ESIA authorization URL (or FRONTEND_URL?error=CODE)' })
  @UseGuards(EsiaLoginGuard)
  login(@EsiaOutcome() outcome: CallbackOutcome, @Res() res: Response): void {
    // the guard's strategy has redirected to ESIA unless the flow could not start
    this.redirect(res, this.frontend(outcome));
  }

  @Public()
  @RateLimit('esia')
  @Get('callback')
  @ApiOperation({
    summary: 'ESIA redirect_uri: decides and sends the browser to FRONTEND_URL with one of ?ticket=, ?linkTicket= or ?error=CODE',
    description:
      '`ticket`: signed in — POST it to /auth/esia/exchange. `linkTicket`: the diary login and password are needed — POST /auth/esia/link. ' +
      '`error`: ESIA_CONSENT_DENIED, FIO_MISMATCH, ESIA_ACCOUNT_LEVEL_TOO_LOW, ESIA_SCOPE_MISSING, ESIA_ALREADY_LINKED, ESIA_DISABLED, ESIA_STATE_INVALID, ESIA_UNAVAILABLE, ACCOUNT_DISABLED. ' +
      'No tokens and no personal data ever go into the URL. 429 TOO_MANY_REQUESTS (per-address limit, shared with /auth/esia/login; Retry-After).',
  })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'error', required: false })
  @ApiQuery({ name: 'error_description', required: false })
  @ApiFoundResponse({ description: 'Location: FRONTEND_URL?ticket=… | ?linkTicket=… | ?error=CODE' })
  @UseGuards(EsiaCallbackGuard)
  callback(@EsiaOutcome() outcome: CallbackOutcome, @Res() res: Response): void {
    clearFlowCookie(res, this.config);
    this.redirect(res, this.frontend(outcome));
  }

  @Public()
  @RateLimit('token')
  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Swap the sign-in ticket from the callback for the token pair',
    description:
      '400 ESIA_STATE_INVALID for an unknown, used or expired ticket, 403 ACCOUNT_DISABLED, 429 TOO_MANY_REQUESTS (per-address limit, Retry-After)',
  })
  @ApiOkResponse({ type: EsiaSignInView })
  exchange(@Body() dto: EsiaExchangeDto, @Client() client: RequestClient): Promise<EsiaSignInView> {
    return this.esia.exchange(dto.ticket, client);
  }

  @Public()
  @SignInRateLimit()
  @Post('link')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Link the Госуслуги account with the diary login and password, and sign in',
    description:
      'A wrong password counts towards the lockout (401 INVALID_CREDENTIALS, 423 ACCOUNT_LOCKED) and the link ticket stays valid for another try (5 at most). ' +
      '403 FIO_MISMATCH, 403 ESIA_ACCOUNT_LEVEL_TOO_LOW, 403 ESIA_SCOPE_MISSING, 409 ESIA_ALREADY_LINKED, 403 ESIA_DISABLED, 400 ESIA_STATE_INVALID (ticket unknown, used or expired), ' +
      '429 TOO_MANY_LOGIN_ATTEMPTS (the per-address sign-in limit, shared with POST /auth/login; Retry-After).',
  })
  @ApiOkResponse({ type: EsiaSignInView })
  link(@Body() dto: EsiaLinkDto, @Client() client: RequestClient): Promise<EsiaSignInView> {
    return this.esia.linkWithPassword(dto.linkTicket, dto.login, dto.password, client);
  }

  @Post('link-start')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: '"Привязать учетную запись портала Госуслуг": the URL that takes the browser to ESIA for linking to the signed-in user',
    description:
      'The URL is single use (10 minutes). 409 ESIA_ALREADY_LINKED when the user already has a link, 403 ESIA_DISABLED when the region has ESIA off.',
  })
  @ApiOkResponse({ type: EsiaLinkStartView })
  linkStart(@CurrentUser() p: Principal): Promise<EsiaLinkStartView> {
    return this.esia.linkStart(p);
  }

  private frontend(outcome: CallbackOutcome): string {
    const url = new URL(this.config.frontendUrl ?? '/', 'http://invalid');
    for (const [k, v] of Object.entries(outcome)) url.searchParams.set(k, v);
    return this.config.frontendUrl ? url.toString() : `${url.pathname}${url.search}`;
  }

  private redirect(res: Response, url: string): void {
    noStore(res);
    res.redirect(302, url);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/esia-link')
export class MyEsiaLinkController {
  constructor(private readonly esia: LinkManagementService) {}

  @Get()
  @ApiOperation({ summary: 'Whether the own account is linked to Госуслуги, when and how' })
  @ApiOkResponse({ type: MyEsiaLinkView })
  get(@CurrentUser() p: Principal): Promise<MyEsiaLinkView> {
    return this.esia.myLink(p.userId);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlink the own Госуслуги account; ends the ESIA-based sessions (404 ESIA_LINK_NOT_FOUND without a link)' })
  @ApiNoContentResponse()
  unlink(@CurrentUser() p: Principal): Promise<void> {
    return this.esia.unlinkOwn(p.userId);
  }
}

@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('admin/esia-links')
@Roles(Role.PlatformAdmin, Role.RegionAdmin, Role.SchoolAdmin)
export class AdminEsiaLinksController {
  constructor(
    private readonly links: EsiaLinksService,
    private readonly esia: LinkManagementService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Active Госуслуги links of users in the schools (region) the caller administers: who, when, how' })
  @ApiOkResponse({ type: AdminEsiaLinkPageView })
  list(@CurrentUser() p: Principal, @Query() q: ListEsiaLinksQueryDto): Promise<Page<AdminEsiaLinkView>> {
    return this.links.listForAdmin(p, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke a link; the user's ESIA-based sessions end at once (404 outside the caller's scope)" })
  @ApiNoContentResponse()
  revoke(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.esia.revokeByAdmin(p, id);
  }
}
