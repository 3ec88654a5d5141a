import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { CryptoModule } from './core/crypto/crypto.module';
import { DatabaseModule } from './core/database/database.module';
import { DependencyOutagesModule } from './core/health/dependency-outages';
import { FeedsModule } from './core/feeds/feeds.module';
import { HealthModule } from './core/health/health.module';
import { IdempotencyModule } from './core/idempotency/idempotency.module';
import { LoggingModule } from './core/logging/logging.module';
import { QueueModule } from './core/queue/queue.module';
import { RateLimitModule } from './core/rate-limit/rate-limit.module';
import { RedisModule } from './core/redis/redis.module';
import { ReadCacheModule } from './core/read-cache/read-cache.module';
import { StorageModule } from './core/storage/storage.module';
import { AuthModule } from './modules/auth/auth.module';
import { EsiaModule } from './modules/esia/esia.module';
import { EventsModule } from './modules/events/events.module';
import { GradesModule } from './modules/grades/grades.module';
import { HomeworkModule } from './modules/homework/homework.module';
import { TimetableModule } from './modules/schedule/schedule.module';
import { EsiaEmulatorModule } from './modules/esia-emulator/esia-emulator.module';
import { LinkingModule } from './modules/linking/linking.module';
import { MessagingModule } from './modules/messaging/messaging.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PortalReceiverModule } from './modules/portal-sync/dev-receiver/portal-receiver.module';
import { PortalSyncModule } from './modules/portal-sync/portal-sync.module';
import { SchoolsModule } from './modules/schools/schools.module';
import { SettingsModule } from './modules/settings/settings.module';
import { TeachingModule } from './modules/teaching/teaching.module';
import { UsersModule } from './modules/users/users.module';
import { WebModule } from './web/web.module';
import { WorkerModule } from './worker.module';

@Module({})
export class AppModule {
  /** The whole application for one configuration; the worker part only for APP_ROLE worker|all. */
  static forRoot(config: AppConfig): DynamicModule {
    const worker = config.appRole === 'worker' || config.appRole === 'all';
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        DependencyOutagesModule,
        DatabaseModule,
        RedisModule,
        QueueModule,
        CryptoModule,
        IdempotencyModule,
        FeedsModule,
        HealthModule,
        // per-address limits on public routes, before the token check (docs/security.md "Rate limits")
        RateLimitModule,
        SchoolsModule,
        UsersModule,
        TeachingModule,
        AuthModule,
        // ESIA client; the emulator only when config allows it (never in production)
        EsiaModule,
        SettingsModule,
        LinkingModule,
        // the reference web client at / (plain HTML + JS)
        WebModule,
        MessagingModule,
        // notifications (list, devices, SSE) and the admins' view of deliveries to the state portal
        NotificationsModule,
        PortalSyncModule,
        // the diary: outbox, files, timetable, grades and attendance, homework
        StorageModule,
        ReadCacheModule,
        EventsModule,
        TimetableModule,
        GradesModule,
        HomeworkModule,
        ...(config.esiaEmulator ? [EsiaEmulatorModule] : []),
        // dev/test stand-in for the state portal (/esia-emulator/portal/events), only with the emulator
        ...(config.esiaEmulator ? [PortalReceiverModule] : []),
        ...(worker ? [WorkerModule] : []),
      ],
    };
  }
}
