import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EsiaModule } from '../esia/esia.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { EsiaFlowStore } from './esia-flow.store';
import { EsiaLinksModule } from '../esia-links/esia-links.module';
import { EsiaSignInService } from './esia-sign-in.service';
import { LinkManagementService } from './link-management.service';
import { EsiaStrategy } from './strategies/esia.strategy';
import { AdminEsiaLinksController, EsiaAuthController, MyEsiaLinkController } from './linking.controller';

/** "Войти через Госуслуги", account linking and link management. Depends on auth; auth does not depend on it. */
@Module({
  imports: [AuthModule, EsiaModule, EsiaLinksModule, SettingsModule, UsersModule],
  controllers: [EsiaAuthController, MyEsiaLinkController, AdminEsiaLinksController],
  providers: [EsiaSignInService, LinkManagementService, EsiaFlowStore, EsiaStrategy],
  exports: [EsiaSignInService],
})
export class LinkingModule {}
