import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { CurrentUser } from '../../common/decorators/current-user.decorator';

/** The cheapest authenticated route: token check only. Clients use it to test a token; the benchmark as its baseline. */
@ApiTags('health')
@ApiBearerAuth()
@Controller('ping')
export class PingController {
  @Get()
  @ApiOperation({ summary: 'Checks the access token and answers who it belongs to (no database access)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['ok', 'userId'],
      properties: { ok: { type: 'boolean', enum: [true] }, userId: { type: 'string', format: 'uuid' } },
    },
  })
  ping(@CurrentUser() p: Principal): { ok: true; userId: string } {
    return { ok: true, userId: p.userId };
  }
}
