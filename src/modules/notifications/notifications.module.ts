import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { DeviceClaims } from './device-claims';
import { Notification } from './entities/notification.entity';
import { NotificationPreference } from './entities/notification-preference.entity';
import { PushDelivery } from './entities/push-delivery.entity';
import { PushDevice } from './entities/push-device.entity';
import { accessTokenFromQuery, EventsStreamController } from './events-stream.controller';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { FcmHttpV1Provider } from './push/fcm.provider';
import { MOBILE_PUSH_PROVIDER } from './push/push.types';
import { WebPushSender } from './push/web-push.sender';
import { RealtimeService } from './realtime.service';

/**
 * In-app notifications, preferences, push devices, the SSE stream. Background work (fan-out of outbox
 * events, push delivery, daily digest) lives in jobs/ and is loaded by the worker only.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationPreference, PushDevice, PushDelivery]), EventsModule, AuthModule],
  controllers: [NotificationsController, EventsStreamController],
  providers: [
    NotificationsService,
    NotificationsRepository,
    RealtimeService,
    WebPushSender,
    DeviceClaims,
    { provide: MOBILE_PUSH_PROVIDER, useClass: FcmHttpV1Provider },
  ],
  exports: [NotificationsService],
})
export class NotificationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(accessTokenFromQuery).forRoutes({ path: 'events/stream', method: RequestMethod.GET });
  }
}
