import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications.module';
import { DigestScheduler } from './digest.scheduler';
import { NotificationsProcessor } from './notifications.processor';
import { PushProcessor } from './push.processor';
import { PushSweepScheduler } from './push-sweep.scheduler';

/** Worker-only: fan-out of outbox events, push delivery (and its sweep of stalled sends) and the daily digest. */
@Module({
  imports: [NotificationsModule],
  providers: [NotificationsProcessor, PushProcessor, DigestScheduler, PushSweepScheduler],
})
export class NotificationsJobsModule {}
