import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { Queue } from 'bull';
import { missingHandlers } from './core/queue/handler-check';
import { QueueName, QUEUES } from './core/queue/queue.constants';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { ScheduleJobsModule } from './modules/schedule/jobs/schedule-jobs.module';
import { OutboxRelayModule } from './modules/events/outbox-relay.module';
import { NotificationsJobsModule } from './modules/notifications/jobs/notifications-jobs.module';
import { PortalSyncJobsModule } from './modules/portal-sync/jobs/portal-sync-jobs.module';

export const WORKER_QUEUES = Symbol('WORKER_QUEUES');

/** Refuses to start a worker that would leave a declared job without a handler. */
@Injectable()
export class HandlerCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(WORKER_QUEUES) private readonly queues: QueueName[],
  ) {}

  onApplicationBootstrap(): void {
    const missing = this.queues.flatMap((name) =>
      missingHandlers(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }), name).map((job) => `${name}/${job}`),
    );
    if (missing.length) throw new Error(`Worker refuses to start: no handler for job(s) ${missing.join(', ')}`);
    this.logger.log(`Worker handles ${this.queues.length} queue(s)`);
  }
}

/** Processors and scheduled jobs: loaded only when APP_ROLE is worker or all. */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    MaintenanceModule,
    ScheduleJobsModule,
    OutboxRelayModule,
    NotificationsJobsModule,
    PortalSyncJobsModule,
  ],
  providers: [HandlerCheck, { provide: WORKER_QUEUES, useValue: Object.values(QUEUES) }],
})
export class WorkerModule {}
