import { Module } from '@nestjs/common';

import { EsiaEmulatorAdminController, EsiaEmulatorOAuthController, EsiaEmulatorRestController } from './esia-emulator.controller';
import { EmulatorRegistry } from './emulator-registry.service';
import { EmulatorTokens } from './emulator-tokens.service';
import { EsiaEmulatorService } from './esia-emulator.service';

/**
 * The ESIA emulator for development and tests, served under `/esia-emulator` (outside the API prefix).
 * AppModule imports it only when config.esiaEmulator is set, which loadConfig never allows in production.
 */
@Module({
  controllers: [EsiaEmulatorOAuthController, EsiaEmulatorRestController, EsiaEmulatorAdminController],
  providers: [EsiaEmulatorService, EmulatorRegistry, EmulatorTokens],
})
export class EsiaEmulatorModule {}
