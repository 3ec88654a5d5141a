import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { ADMIN_ROLES } from '../../common/auth/role';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { Roles } from '../../common/decorators/roles.decorator';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { PortalDeliveryPage, PortalDeliveryQueryDto, PortalDeliveryView } from './dto/portal-sync.dto';
import { PortalSyncService } from './portal-sync.service';

@ApiTags('portal-sync')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('portal-sync/deliveries')
export class PortalSyncController {
  constructor(private readonly portal: PortalSyncService) {}

  @Get()
  @ApiOperation({
    summary:
      'Deliveries to the state portal of my school (region, all for platform admins), newest first; status=failed shows what is stuck',
  })
  @ApiOkResponse({ type: PortalDeliveryPage })
  list(@CurrentUser() p: Principal, @Query() q: PortalDeliveryQueryDto): Promise<PortalDeliveryPage> {
    return this.portal.list(p, q);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed delivery again (409 PORTAL_DELIVERY_NOT_FAILED if it is not failed)' })
  @ApiOkResponse({ type: PortalDeliveryView })
  retry(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<PortalDeliveryView> {
    return this.portal.retry(p, id);
  }
}
