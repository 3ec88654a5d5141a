import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { Page, PageQueryDto } from '../../common/pagination/page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { AuthSettingsView, ConnectionTestView, EsiaRegionPageView, EsiaRegionView, PutAuthSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('admin: sign-in settings')
@ApiBearerAuth()
@Controller('admin')
@Roles(Role.PlatformAdmin, Role.RegionAdmin)
export class AuthSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('regions/:id/auth-settings')
  @ApiOperation({ summary: "A region's sign-in settings (region admin of that region, platform admin); 404 outside the caller's scope" })
  @ApiOkResponse({ type: AuthSettingsView })
  get(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<AuthSettingsView> {
    return this.settings.get(p, id);
  }

  @Put('regions/:id/auth-settings')
  @ApiOperation({
    summary: "Set a region's sign-in settings: ESIA on/off, the transition period, the staff exception, admins' second factor",
    description:
      'The first four fields are required (null for an open date); `adminMfaRequired` is optional (omitted: unchanged). ' +
      '400 VALIDATION_FAILED when the end is not after the start.',
  })
  @ApiOkResponse({ type: AuthSettingsView })
  put(@CurrentUser() p: Principal, @Param('id', ParseId) id: string, @Body() dto: PutAuthSettingsDto): Promise<AuthSettingsView> {
    return this.settings.put(p, id, dto);
  }

  @Post('esia/test-connection')
  @HttpCode(200)
  @ApiOperation({
    summary: "Check that ESIA's endpoints answer and that signing works; reports which step failed",
    description:
      'Steps: config, issuer, signer, trusted_certificates, authorization_endpoint, token_endpoint, recent_tokens (the last ESIA token refused under the current settings). ' +
      'A failed step may name its `problem`: wrong_issuer, wrong_algorithm, bad_signature, no_certificate_for_algorithm, certificate_expired, certificate_unreadable, token_rejected. ' +
      '403 FORBIDDEN for school admins.',
  })
  @ApiOkResponse({ type: ConnectionTestView })
  testConnection(@CurrentUser() p: Principal): Promise<ConnectionTestView> {
    return this.settings.testConnection(p);
  }
}

@ApiTags('auth: Госуслуги')
@Controller('auth/esia')
export class EsiaRegionsController {
  constructor(private readonly settings: SettingsService) {}

  @Public()
  @RateLimit('public')
  @Get('regions')
  @ApiOperation({
    summary: 'Regions where sign-in through Госуслуги works now (public: the login page needs it)',
    description: '429 TOO_MANY_REQUESTS (per-address limit, Retry-After).',
  })
  @ApiOkResponse({ type: EsiaRegionPageView })
  regions(@Query() q: PageQueryDto): Promise<Page<EsiaRegionView>> {
    return this.settings.esiaRegions(q);
  }
}
