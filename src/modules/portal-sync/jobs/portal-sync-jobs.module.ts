import { Module } from '@nestjs/common';
import { PortalSyncModule } from '../portal-sync.module';
import { PortalSyncProcessor } from './portal-sync.processor';

/** Worker-only: delivery of outbox events to the state portal. */
@Module({
  imports: [PortalSyncModule],
  providers: [PortalSyncProcessor],
})
export class PortalSyncJobsModule {}
