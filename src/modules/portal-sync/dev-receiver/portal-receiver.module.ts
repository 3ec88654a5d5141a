import { Module } from '@nestjs/common';
import { PortalReceiverController } from './portal-receiver.controller';

/** Development/test stand-in for the state portal; AppModule loads it only together with the ESIA emulator. */
@Module({ controllers: [PortalReceiverController] })
export class PortalReceiverModule {}
