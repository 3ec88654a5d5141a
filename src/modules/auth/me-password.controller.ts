import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { Client, RequestClient } from '../../common/decorators/client-info.decorator';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { TokenPairView } from './dto/auth.dto';
import { ChangeOwnPasswordDto } from './dto/me-password.dto';
import { ESIA_PASSWORD_WINDOW_MINUTES, MePasswordService } from './me-password.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/password')
export class MePasswordController {
  constructor(private readonly passwords: MePasswordService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change my own diary password; my other sessions end, this one continues with the returned token pair',
    description:
      'Rule for the new password: at least 8 characters, letters and digits, not the login (400 VALIDATION_FAILED, field `newPassword`). ' +
      'Proof: `currentPassword`; a wrong one is 403 CURRENT_PASSWORD_INVALID and counts towards the lockout like a failed sign-in ' +
      '(the 5th in a row: 423 ACCOUNT_LOCKED for 15 minutes; a locked account is refused before the password is checked). ' +
      `Forgotten password: a user linked to Госуслуги signs in through ESIA and, within ${ESIA_PASSWORD_WINDOW_MINUTES} minutes of that sign-in, ` +
      'sends only `newPassword`; otherwise omitting `currentPassword` is 400 CURRENT_PASSWORD_REQUIRED. A user without a Госуслуги link who ' +
      'forgot the password asks the school admin to set a new one (PUT /admin/users/{id}/password). ' +
      'On success every other session of the user ends at once (their access and refresh tokens are refused: 401 SESSION_REVOKED); ' +
      'this session stays and the answer holds its new token pair (the old refresh token is spent, as after a refresh). ' +
      'Allowed also where the region closed password sign-in: the diary password is still used to link a Госуслуги account and for the staff exception. ' +
      'Other errors: 403 ACCOUNT_DISABLED, 401 UNAUTHORIZED / TOKEN_EXPIRED / SESSION_REVOKED.',
  })
  @ApiOkResponse({ type: TokenPairView })
  change(@CurrentUser() p: Principal, @Body() dto: ChangeOwnPasswordDto, @Client() client: RequestClient): Promise<TokenPairView> {
    return this.passwords.change(p, dto.currentPassword, dto.newPassword, client);
  }
}
