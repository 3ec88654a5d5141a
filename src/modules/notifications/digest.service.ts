import { Injectable } from '@nestjs/common';
import { renderDigest } from './notification-texts';
import { toView } from './notification-view';
import { NotificationsRepository } from './notifications.repository';
import { NotificationPreferencesRepository } from './preferences.repository';
import { PushDeliveriesRepository } from './push/push-deliveries.repository';
import { PushDeliveryService } from './push/push-delivery.service';
import { RealtimeService } from './realtime.service';

/** Time zone of the daily digest (the cron fires at 19:00 there). */
export const DIGEST_TIME_ZONE = 'Europe/Moscow';

/** The daily digest (worker): who asked for one, and one notification per user and local day. */
@Injectable()
export class DigestService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly preferences: NotificationPreferencesRepository,
    private readonly deliveries: PushDeliveriesRepository,
    private readonly realtime: RealtimeService,
    private readonly push: PushDeliveryService,
  ) {}

  digestUsers(): Promise<string[]> {
    return this.preferences.digestUsers();
  }

  /** One digest per user and local day (unique row); nothing when the day left nothing unread. */
  async makeDigest(userId: string, date: string): Promise<{ created: boolean; pushes: number }> {
    const counts = await this.notifications.unreadOfDay(userId, date, DIGEST_TIME_ZONE);
    if (counts.length === 0) return { created: false, pushes: 0 };
    const text = renderDigest(counts);
    const row = await this.notifications.transaction(async (tx) => {
      const r = await this.notifications.insertDigest(tx, userId, date, { userId, kind: 'digest', ...text, data: { date } });
      if (r) await this.deliveries.insertDeliveries(tx, [r.id]);
      return r;
    });
    if (!row) return { created: false, pushes: 0 };
    await this.realtime.publish([{ userId, view: toView(row) }]);
    return { created: true, pushes: await this.push.enqueueFor([row.id]) };
  }
}
