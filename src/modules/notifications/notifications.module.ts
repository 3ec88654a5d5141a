import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { DeviceClaims } from './device-claims';
import { DigestService } from './digest.service';
import { Notification } from './entities/notification.entity';
import { NotificationPreference } from './entities/notification-preference.entity';
import { PushDelivery } from './entities/push-delivery.entity';
import { PushDevice } from './entities/push-device.entity';
import { accessTokenFromQuery, EventsStreamController } from './events-stream.controller';
import { FanOutService } from './fan-out.service';
import { InboxService } from './inbox.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationPreferencesRepository } from './preferences.repository';
import { NotificationPreferencesService } from './preferences.service';
import { FcmHttpV1Provider } from './push/fcm.provider';
import { PushDeliveriesRepository } from './push/push-deliveries.repository';
import { PushDeliveryService } from './push/push-delivery.service';
import { MOBILE_PUSH_PROVIDER } from './push/push.types';
import { WebPushSender } from './push/web-push.sender';
import { PushDevicesRepository } from './push-devices.repository';
import { PushDevicesService } from './push-devices.service';
import { RecipientsReadModel } from './read-models/recipients.read-model';
import { RealtimeService } from './realtime.service';

/**
 * In-app notifications, preferences, push devices, the SSE stream. One service per job: the inbox
 * (list, feed, read marks), preferences, push devices (registration, confirmation), fan-out (outbox
 * events → rows), push delivery (push/), the daily digest, and real time (Redis pub/sub). Each own table
 * has its repository; the one read of other modules' tables is read-models/recipients.read-model.ts.
 * Background work (fan-out, push delivery, digest) is run by the processors in jobs/, loaded by the worker only.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationPreference, PushDevice, PushDelivery]), EventsModule, AuthModule],
  controllers: [NotificationsController, EventsStreamController],
  providers: [
    InboxService,
    NotificationPreferencesService,
    PushDevicesService,
    FanOutService,
    PushDeliveryService,
    DigestService,
    NotificationsRepository,
    NotificationPreferencesRepository,
    PushDevicesRepository,
    PushDeliveriesRepository,
    RecipientsReadModel,
    RealtimeService,
    WebPushSender,
    DeviceClaims,
    { provide: MOBILE_PUSH_PROVIDER, useClass: FcmHttpV1Provider },
  ],
  exports: [FanOutService, PushDeliveryService, DigestService],
})
export class NotificationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(accessTokenFromQuery).forRoutes({ path: 'events/stream', method: RequestMethod.GET });
  }
}
