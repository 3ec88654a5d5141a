import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QueueProducer } from '../../core/queue/queue-producer.service';
import { OutboxService, StoredEvent } from '../events/outbox.service';
import {
  DeviceView, MarkAllReadDto, MarkAllReadResult, NotificationListQueryDto, NotificationPage, NotificationView, PreferencesView,
  RegisterMobileDto, RegisterWebPushDto, UpdatePreferencesDto,
} from './dto/notifications.dto';
import { Channel, CHANNELS, DEFAULT_CHANNEL, NOTIFICATION_KINDS } from './notification-kinds';
import { renderDigest, renderEvent } from './notification-texts';
import { MAX_DEVICES_PER_USER, NotificationsErrors } from './notifications.errors';
import { DeviceRow, NewNotification, NotificationRow, NotificationsRepository, Recipient } from './notifications.repository';
import { MOBILE_PUSH_PROVIDER, MobilePushProvider, PushMessage, PushOutcome } from './push/push.types';
import { WebPushSender } from './push/web-push.sender';
import { RealtimeService, StreamListener } from './realtime.service';

/** Time zone of the daily digest (the cron fires at 19:00 there). */
export const DIGEST_TIME_ZONE = 'Europe/Moscow';

const ID_FIELDS = ['studentId', 'classId', 'subjectId', 'lessonId', 'gradeId', 'homeworkId', 'submissionId', 'conversationId', 'messageId', 'announcementId', 'changeId'];

export const toView = (r: NotificationRow): NotificationView => ({
  id: String(r.id),
  kind: r.kind,
  title: r.title,
  body: r.body,
  data: r.data ?? {},
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

const deviceView = (d: DeviceRow): DeviceView => {
  let label = d.address.slice(-6);
  if (d.kind === 'web_push') {
    try {
      label = new URL(d.address).host;
    } catch {
      label = 'web';
    }
  }
  return {
    id: d.id, kind: d.kind, platform: d.platform, label,
    createdAt: new Date(d.created_at).toISOString(), lastSuccessAt: d.last_success_at ? new Date(d.last_success_at).toISOString() : null,
  };
};

export type PushResult = 'sent' | 'gone' | 'retry' | 'failed' | 'permanent' | 'skipped' | 'done-before';

/**
 * Notifications: in-app rows made from outbox events (fan-out), the user's list and settings, push
 * devices and push delivery, the daily digest and the real-time stream. The only writer of
 * notifications, notification_preferences, push_devices and push_deliveries.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly outbox: OutboxService,
    private readonly producer: QueueProducer,
    private readonly realtime: RealtimeService,
    private readonly webPush: WebPushSender,
    @Inject(MOBILE_PUSH_PROVIDER) private readonly mobile: MobilePushProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- the user's list ------------------------------------------------------------------------

  async list(p: Principal, q: NotificationListQueryDto): Promise<NotificationPage> {
    const rows = await this.repo.list(p.userId, q.unread === true, q.cursor ?? null, q.limit + 1);
    const items = rows.slice(0, q.limit).map(toView);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  async unreadCount(p: Principal): Promise<number> {
    return this.repo.unreadCount(p.userId);
  }

  async markRead(p: Principal, id: string): Promise<NotificationView> {
    if (!/^[1-9]\d{0,18}$/.test(id)) throw NotificationsErrors.notificationNotFound();
    const row = await this.repo.markRead(p.userId, id);
    if (!row) throw NotificationsErrors.notificationNotFound();
    return toView(row);
  }

  async markAllRead(p: Principal, dto: MarkAllReadDto): Promise<MarkAllReadResult> {
    return { marked: await this.repo.markAllRead(p.userId, dto.upToId ?? null) };
  }

  // ---- preferences ----------------------------------------------------------------------------

  async preferences(p: Principal): Promise<PreferencesView> {
    const row = (await this.repo.preferences([p.userId])).get(p.userId);
    const channels = Object.fromEntries(
      NOTIFICATION_KINDS.map((k) => [k, (CHANNELS as readonly string[]).includes(row?.channels?.[k] ?? '') ? (row!.channels[k] as Channel) : DEFAULT_CHANNEL]),
    ) as Record<string, Channel>;
    return { channels, dailyDigest: row?.daily_digest ?? false };
  }

  async updatePreferences(p: Principal, dto: UpdatePreferencesDto): Promise<PreferencesView> {
    const channels: Record<string, string> = {};
    for (const k of NOTIFICATION_KINDS) {
      const v = (dto.channels as Record<string, string | undefined> | undefined)?.[k];
      if (v !== undefined) channels[k] = v;
    }
    await this.repo.savePreferences(p.userId, channels, dto.dailyDigest ?? null);
    return this.preferences(p);
  }

  // ---- devices --------------------------------------------------------------------------------

  vapidPublicKey(): string | null {
    return this.webPush.publicKey;
  }

  async registerWebPush(p: Principal, dto: RegisterWebPushDto): Promise<DeviceView> {
    if (!this.webPush.publicKey) throw NotificationsErrors.webPushOff();
    let url: URL;
    try {
      url = new URL(dto.endpoint);
    } catch {
      throw NotificationsErrors.invalidEndpoint();
    }
    const allowed = this.config.nodeEnv === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol) || url.username || url.password) throw NotificationsErrors.invalidEndpoint();
    return this.register(p, { kind: 'web_push', address: url.toString(), p256dh: dto.keys.p256dh, auth: dto.keys.auth, platform: 'web' });
  }

  async registerMobile(p: Principal, dto: RegisterMobileDto): Promise<DeviceView> {
    return this.register(p, { kind: 'mobile', address: dto.token, p256dh: null, auth: null, platform: dto.platform });
  }

  private async register(p: Principal, d: { kind: string; address: string; p256dh: string | null; auth: string | null; platform: string }): Promise<DeviceView> {
    if (!(await this.repo.hasDevice(d.kind, d.address, p.userId)) && (await this.repo.countDevices(p.userId)) >= MAX_DEVICES_PER_USER) {
      throw NotificationsErrors.deviceLimit();
    }
    return deviceView(await this.repo.upsertDevice({ userId: p.userId, ...d }));
  }

  async devices(p: Principal): Promise<DeviceView[]> {
    return (await this.repo.devices(p.userId)).map(deviceView);
  }

  async removeDevice(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.deleteDevice(p.userId, id))) throw NotificationsErrors.deviceNotFound();
  }

  async unregisterWebPush(p: Principal, endpoint: string): Promise<void> {
    let address = endpoint;
    try {
      address = new URL(endpoint).toString();
    } catch {
      throw NotificationsErrors.deviceNotFound();
    }
    if (!(await this.repo.deleteDeviceByAddress(p.userId, 'web_push', address))) throw NotificationsErrors.deviceNotFound();
  }

  // ---- real time ------------------------------------------------------------------------------

  /** Notifications after the one the client saw last (SSE Last-Event-ID), oldest first, at most 100. */
  async missedSince(p: Principal, lastId: string | undefined): Promise<NotificationView[]> {
    if (!lastId || !/^[1-9]\d{0,18}$/.test(lastId)) return [];
    return (await this.repo.listAfter(p.userId, lastId, 100)).map(toView);
  }

  subscribe(p: Principal, listener: StreamListener): () => void {
    return this.realtime.subscribe(p.userId, listener);
  }

  // ---- fan-out (worker) -----------------------------------------------------------------------

  /**
   * Turns one outbox event into notification rows for the right people, then publishes them in real
   * time and queues their pushes. Safe to run twice: rows are unique per (event, user), pushes per
   * (notification, device), and push jobs are keyed by the delivery id.
   */
  async handleEvent(eventId: string): Promise<{ created: number; pushes: number; skipped?: string }> {
    const event = await this.outbox.findById(eventId);
    if (!event) return { created: 0, pushes: 0, skipped: 'event-gone' };
    const plan = await this.recipientsOf(event);
    if (!plan) return { created: 0, pushes: 0, skipped: 'not-notified' };

    const seen = new Set<string>();
    const recipients = plan.recipients.filter((r) => r.userId !== event.actorId && !seen.has(r.userId) && seen.add(r.userId));
    if (recipients.length === 0) return { created: 0, pushes: 0, skipped: 'no-recipients' };
    const [names, prefs] = await Promise.all([
      this.repo.firstNames([...new Set(recipients.map((r) => r.childId).filter((x): x is string => !!x))]),
      this.repo.preferences(recipients.map((r) => r.userId)),
    ]);
    const data: Record<string, unknown> = { eventType: event.type };
    for (const f of ID_FIELDS) if (typeof event.payload[f] === 'string') data[f] = event.payload[f];

    const rows: NewNotification[] = [];
    const pushUsers: string[] = [];
    for (const r of recipients) {
      const rendered = renderEvent(event.type, { subject: plan.subject, childName: r.childId ? names.get(r.childId) : null, payload: event.payload });
      if (!rendered) continue;
      const pref = prefs.get(r.userId);
      const channel = (pref?.channels?.[rendered.kind] as Channel | undefined) ?? DEFAULT_CHANNEL;
      if (channel === 'off') continue;
      rows.push({ userId: r.userId, kind: rendered.kind, ...rendered.text, data: r.childId ? { ...data, studentId: r.childId } : data });
      if (channel === 'push' && !pref?.daily_digest) pushUsers.push(r.userId);
    }
    if (rows.length === 0) return { created: 0, pushes: 0, skipped: 'muted' };

    const { inserted, pushIds } = await this.repo.transaction(async (tx) => {
      const ins = await this.repo.insertForEvent(tx, event.id, rows);
      const ids = pushUsers.length ? await this.repo.idsForEvent(tx, event.id, pushUsers) : [];
      await this.repo.insertDeliveries(tx, ids);
      return { inserted: ins, pushIds: ids };
    });
    await this.realtime.publish(inserted.map((r) => ({ userId: r.user_id, view: toView(r) })));
    const pushes = await this.queuePushes(pushIds);
    return { created: inserted.length, pushes };
  }

  private async queuePushes(notificationIds: string[]): Promise<number> {
    const pending = await this.repo.pendingDeliveries(notificationIds);
    const { pushAttempts, pushBackoffMs } = this.config.notify;
    for (const id of pending) {
      await this.producer.enqueue('pushDeliver', { deliveryId: id }, { jobId: `push-${id}`, attempts: pushAttempts, backoff: { type: 'exponential', delay: pushBackoffMs } });
    }
    return pending.length;
  }

  private async recipientsOf(e: StoredEvent): Promise<{ recipients: Recipient[]; subject: string | null } | null> {
    const p = e.payload;
    const id = (k: string): string | null => (typeof p[k] === 'string' ? (p[k] as string) : null);
    const ids = (k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
    const subject = async (): Promise<string | null> =>
      id('subjectId') ? this.repo.subjectName(id('subjectId')!) : id('lessonId') ? this.repo.lessonSubject(id('lessonId')!) : null;
    const users = async (list: string[]): Promise<Recipient[]> => (await this.repo.activeUsers(list)).map((u) => ({ userId: u, childId: null }));
    const classAll = async (classId: string | null): Promise<Recipient[]> =>
      classId ? (await this.repo.studentsAndParents(await this.repo.classStudents(classId), true)).map((r) => ({ ...r, childId: null })) : [];

    switch (e.type) {
      case 'grade.created':
      case 'grade.changed':
      case 'grade.deleted':
      case 'homework.graded':
      case 'homework.returned': {
        const sid = id('studentId');
        return sid ? { recipients: await this.repo.studentsAndParents([sid], true), subject: await subject() } : null;
      }
      case 'attendance.marked': {
        const sid = id('studentId');
        return sid ? { recipients: await this.repo.studentsAndParents([sid], false), subject: await subject() } : null;
      }
      case 'homework.created':
      case 'lesson.changed':
        return { recipients: await classAll(id('classId')), subject: await subject() };
      case 'lesson.reminder':
        return { recipients: await users(ids('userIds')), subject: await subject() };
      case 'message.created': {
        const conv = id('conversationId');
        const sender = id('senderId') ?? e.actorId;
        return conv ? { recipients: await users((await this.repo.conversationMembers(conv)).filter((u) => u !== sender)), subject: null } : null;
      }
      case 'announcement.created': {
        const a = id('announcementId') ?? e.aggregateId;
        return { recipients: await users(await this.repo.announcementRecipients(a)), subject: null };
      }
      case 'announcement.reminder':
        return { recipients: await users(ids('userIds')), subject: null };
      default:
        return null;
    }
  }

  // ---- push delivery (worker) -----------------------------------------------------------------

  /**
   * One push to one device. Only a pending delivery is sent (a second run of a finished job sends
   * nothing). 404/410 remove the device; 429/5xx/network answer 'retry' (the caller throws so Bull backs
   * off) unless this is the last attempt; other refusals are permanent.
   */
  async deliverPush(deliveryId: string, lastAttempt: boolean): Promise<{ result: PushResult; error?: string }> {
    const d = await this.repo.deliveryForJob(deliveryId);
    if (!d) return { result: 'skipped', error: 'device or notification gone' };
    if (d.status !== 'pending') return { result: 'done-before' };
    const message: PushMessage = { id: String(d.notification_id), kind: d.kind, title: d.title, body: d.body, data: d.data ?? {}, createdAt: new Date(d.created_at).toISOString() };
    const outcome: PushOutcome =
      d.device_kind === 'web_push'
        ? await this.webPush.send({ endpoint: d.address, p256dh: d.p256dh ?? '', auth: d.auth ?? '' }, message)
        : await this.mobile.send(d.address, message);
    switch (outcome.outcome) {
      case 'sent':
        await this.repo.markSent(d.id, d.device_id);
        return { result: 'sent' };
      case 'gone':
        await this.repo.removeGoneDevice(d.device_id);
        this.logger.log({ deviceId: d.device_id, status: outcome.status }, 'Push subscription gone; device removed');
        return { result: 'gone' };
      case 'off':
        await this.repo.markAttempt(d.id, outcome.error, 'skipped');
        return { result: 'skipped', error: outcome.error };
      case 'permanent':
        await this.repo.markAttempt(d.id, outcome.error, 'failed');
        return { result: 'permanent', error: outcome.error };
      case 'retry':
        await this.repo.markAttempt(d.id, outcome.error, lastAttempt ? 'failed' : null);
        return { result: lastAttempt ? 'failed' : 'retry', error: outcome.error };
    }
  }

  // ---- daily digest (worker) ------------------------------------------------------------------

  digestUsers(): Promise<string[]> {
    return this.repo.digestUsers();
  }

  /** One digest per user and local day (unique row); nothing when the day left nothing unread. */
  async makeDigest(userId: string, date: string): Promise<{ created: boolean; pushes: number }> {
    const counts = await this.repo.unreadOfDay(userId, date, DIGEST_TIME_ZONE);
    if (counts.length === 0) return { created: false, pushes: 0 };
    const text = renderDigest(counts);
    const row = await this.repo.transaction(async (tx) => {
      const r = await this.repo.insertDigest(tx, userId, date, { userId, kind: 'digest', ...text, data: { date } });
      if (r) await this.repo.insertDeliveries(tx, [r.id]);
      return r;
    });
    if (!row) return { created: false, pushes: 0 };
    await this.realtime.publish([{ userId, view: toView(row) }]);
    return { created: true, pushes: await this.queuePushes([row.id]) };
  }
}
