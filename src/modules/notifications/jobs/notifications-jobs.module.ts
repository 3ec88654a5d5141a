import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications.module';
import { DigestScheduler } from './digest.scheduler';
import { NotificationsProcessor } from './notifications.processor';
import { PushProcessor } from './push.processor';

/** Worker-only: fan-out of outbox events, push delivery and the daily digest. */
@Module({
  imports: [NotificationsModule],
  providers: [NotificationsProcessor, PushProcessor, DigestScheduler],
})
export class NotificationsJobsModule {}
