import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { PortalDelivery } from './entities/portal-delivery.entity';
import { PortalSyncController } from './portal-sync.controller';
import { PortalSyncRepository } from './portal-sync.repository';
import { PortalStudentsReadModel } from './read-models/portal-students.read-model';
import { PortalSyncService } from './portal-sync.service';

/** Delivery to the state portal (PORTAL_SYNC_URL) and the admins' view of it; the worker part is in jobs/. */
@Module({
  imports: [TypeOrmModule.forFeature([PortalDelivery]), EventsModule],
  controllers: [PortalSyncController],
  providers: [PortalSyncService, PortalSyncRepository, PortalStudentsReadModel],
  exports: [PortalSyncService],
})
export class PortalSyncModule {}
