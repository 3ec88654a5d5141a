import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { pageCursor } from '../../common/pagination/cursor';
import { isBigIntString } from '../../common/validation/numbers';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { FeedPage, readFeedPage } from '../../core/feeds/feed-cursor';
import { TombstoneReader } from '../../core/feeds/tombstone-reader';
import { JobKeys, RowStamp } from '../../core/queue/job-ids';
import { QueueProducer } from '../../core/queue/queue-producer.service';
import { OutboxService, StoredEvent } from '../events/outbox.service';
import {
  DeviceConfirmationView,
  DeviceView,
  MarkAllReadDto,
  MarkAllReadResult,
  NotificationListQueryDto,
  NotificationPage,
  NotificationView,
  PreferencesView,
  RegisterMobileDto,
  RegisterWebPushDto,
  UpdatePreferencesDto,
} from './dto/notifications.dto';
import { NotificationFeedItem, NotificationFeedQueryDto } from './dto/notification-feed.dto';
import { CLAIM_TTL_SEC, DeviceClaims } from './device-claims';
import { Channel, CHANNELS, DEFAULT_CHANNEL, NOTIFICATION_KINDS, SECURITY_KIND } from './notification-kinds';
import { renderDigest, renderEvent } from './notification-texts';
import { MAX_DEVICES_PER_USER, NotificationsErrors } from './notifications.errors';
import {
  DeviceRow,
  NewDevice,
  NewEventNotification,
  NotificationRow,
  NotificationsRepository,
  RecipientKeys,
  RecipientRow,
  RecipientSource,
} from './notifications.repository';
import { MOBILE_PUSH_PROVIDER, MobilePushProvider, PushMessage, PushOutcome, pushTag } from './push/push.types';
import { WebPushSender } from './push/web-push.sender';
import { RealtimeService, StreamListener } from './realtime.service';

/** Time zone of the daily digest (the cron fires at 19:00 there). */
export const DIGEST_TIME_ZONE = 'Europe/Moscow';

const ID_FIELDS = [
  'studentId',
  'classId',
  'subjectId',
  'lessonId',
  'gradeId',
  'homeworkId',
  'submissionId',
  'conversationId',
  'messageId',
  'announcementId',
  'changeId',
  'userId',
];

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
    id: d.id,
    kind: d.kind,
    platform: d.platform,
    label,
    createdAt: new Date(d.created_at).toISOString(),
    lastSuccessAt: d.last_success_at ? new Date(d.last_success_at).toISOString() : null,
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^[1-9]\d{0,18}$/;

/** What a fan-out job did: events asked for, rows made, pushes queued, events that made nothing (by reason). */
export interface FanOutResult {
  events: number;
  created: number;
  pushes: number;
  skipped: Record<string, number>;
}

/** Whom an event is for, before any lookup: keys of one recipient source, and where its subject comes from. */
export interface Audience {
  source: RecipientSource;
  /** One student, class, conversation or announcement id; for 'user', the listed users in order. */
  keys: string[];
  /** 'student' source: the student too (attendance goes to the parents only). */
  self?: boolean;
  /** Never this user (the message's sender), besides the event's actor. */
  exclude?: string | null;
  /** The texts' subject: by subject id, else by lesson id; none for messages and announcements. */
  subjectId?: string | null;
  lessonId?: string | null;
}

/** The recipient rule of each event type; null when the type makes no notification (or lacks its key). */
export function audienceOf(e: StoredEvent): Audience | null {
  const p = e.payload;
  const id = (k: string): string | null => (typeof p[k] === 'string' ? (p[k] as string) : null);
  const ids = (k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  const subject = { subjectId: id('subjectId'), lessonId: id('lessonId') };
  switch (e.type) {
    case 'grade.created':
    case 'grade.changed':
    case 'grade.deleted':
    case 'homework.graded':
    case 'homework.returned':
    case 'attendance.marked': {
      const sid = id('studentId');
      return sid ? { source: 'student', keys: [sid], self: e.type !== 'attendance.marked', ...subject } : null;
    }
    case 'homework.created':
    case 'lesson.changed': {
      const classId = id('classId');
      return { source: 'class', keys: classId ? [classId] : [], ...subject };
    }
    case 'lesson.reminder':
      return { source: 'user', keys: ids('userIds'), ...subject };
    case 'message.created': {
      const conv = id('conversationId');
      return conv ? { source: 'conversation', keys: [conv], exclude: id('senderId') ?? e.actorId } : null;
    }
    case 'announcement.created':
      return { source: 'announcement', keys: [id('announcementId') ?? e.aggregateId] };
    case 'announcement.reminder':
      return { source: 'user', keys: ids('userIds') };
    // security alerts: the account owner; a lockout of staff also their school's admins (the 'account' source)
    case 'security.account_locked':
    case 'security.new_device':
    case 'security.mfa_reset': {
      const uid = id('userId');
      if (!uid) return null;
      return e.type === 'security.account_locked' ? { source: 'account', keys: [uid] } : { source: 'user', keys: [uid] };
    }
    default:
      return null;
  }
}

/** A registration: the device was registered (201), or a confirmation push went to it first (202). */
export type DeviceRegistration = { created: DeviceView; confirmation?: never } | { confirmation: DeviceConfirmationView; created?: never };

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
    private readonly claims: DeviceClaims,
    @Inject(MOBILE_PUSH_PROVIDER) private readonly mobile: MobilePushProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tombstones: TombstoneReader,
  ) {}

  // ---- the user's list ------------------------------------------------------------------------

  async list(p: Principal, q: NotificationListQueryDto): Promise<NotificationPage> {
    const rows = await this.repo.list(p.userId, q.unread === true, q.cursor ?? null, q.limit + 1);
    const items = rows.slice(0, q.limit).map(toView);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** My notifications that arrived or were read since the cursor (on any device), deletions as tombstones. */
  feed(p: Principal, q: NotificationFeedQueryDto): Promise<FeedPage<NotificationFeedItem>> {
    return readFeedPage<{ cx: string; id: string; row?: NotificationRow }, NotificationFeedItem>(
      pageCursor(q),
      q.limit,
      [
        async (after, limit) =>
          (await this.repo.findChanges(p.userId, after, limit)).map((row) => ({ cx: row.cx, id: String(row.id), row })),
        (after, limit) => this.tombstones.after('notification', p.userId, after, limit),
      ],
      (rows) => rows.map((r) => (r.row ? { ...toView(r.row), deleted: false } : { id: r.id, deleted: true })),
    );
  }

  async unreadCount(p: Principal): Promise<number> {
    return this.repo.unreadCount(p.userId);
  }

  async markRead(p: Principal, id: string): Promise<NotificationView> {
    if (!isBigIntString(id)) throw NotificationsErrors.notificationNotFound();
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
      NOTIFICATION_KINDS.map((k) => [
        k,
        (CHANNELS as readonly string[]).includes(row?.channels?.[k] ?? '') ? (row!.channels[k] as Channel) : DEFAULT_CHANNEL,
      ]),
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

  async registerWebPush(p: Principal, dto: RegisterWebPushDto): Promise<DeviceRegistration> {
    if (!this.webPush.publicKey) throw NotificationsErrors.webPushOff();
    let url: URL;
    try {
      url = new URL(dto.endpoint);
    } catch {
      throw NotificationsErrors.invalidEndpoint();
    }
    const allowed = this.config.nodeEnv === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol) || url.username || url.password) throw NotificationsErrors.invalidEndpoint();
    return this.register(p, {
      userId: p.userId,
      kind: 'web_push',
      address: url.toString(),
      p256dh: dto.keys.p256dh,
      auth: dto.keys.auth,
      platform: 'web',
    });
  }

  async registerMobile(p: Principal, dto: RegisterMobileDto): Promise<DeviceRegistration> {
    return this.register(p, { userId: p.userId, kind: 'mobile', address: dto.token, p256dh: null, auth: null, platform: dto.platform });
  }

  /**
   * A new device, or the caller's own again: registered at once. A device another user holds is never
   * moved on the caller's word: a confirmation push with a single-use code goes to the device itself
   * (encrypted, for Web Push, with the keys the caller sent), and the device moves only when the
   * caller's session sends that code back (`confirmDevice`). Whoever merely learned an endpoint or a
   * token cannot read the push, so cannot take the device; the device's real holder can always win it
   * back the same way.
   */
  private async register(p: Principal, d: NewDevice): Promise<DeviceRegistration> {
    const owner = await this.repo.deviceOwner(d.kind, d.address);
    if (owner === null || owner === p.userId) {
      if (owner === null && (await this.repo.countDevices(p.userId)) >= MAX_DEVICES_PER_USER) throw NotificationsErrors.deviceLimit();
      const row = await this.repo.upsertOwnDevice(d);
      if (row) return { created: deviceView(row) };
      // another user registered it a moment ago: it is theirs now, so it takes a confirmation as well
    }
    return { confirmation: await this.sendConfirmation(d) };
  }

  private async sendConfirmation(d: NewDevice): Promise<DeviceConfirmationView> {
    const wait = await this.redisCall(() => this.claims.reserveSend(d.kind, d.address));
    if (wait > 0) throw NotificationsErrors.confirmationThrottled(wait);
    const code = await this.redisCall(() => this.claims.create(d));
    const createdAt = new Date().toISOString();
    const message: PushMessage = {
      id: 'device-confirmation',
      kind: 'device_confirmation',
      title: 'Подтверждение устройства',
      body: 'Откройте дневник на этом устройстве, чтобы получать на него уведомления',
      data: { type: 'device-confirmation', code },
      createdAt,
      tag: pushTag('device-confirmation', code),
      silent: true,
    };
    const outcome =
      d.kind === 'web_push'
        ? await this.webPush.send({ endpoint: d.address, p256dh: d.p256dh ?? '', auth: d.auth ?? '' }, message)
        : await this.mobile.send(d.address, message);
    if (outcome.outcome === 'sent') return { status: 'confirmation_sent', expiresInSec: CLAIM_TTL_SEC };
    await this.claims.drop(code).catch(() => undefined);
    if (outcome.outcome === 'retry') {
      await this.claims.releaseSend(d.kind, d.address).catch(() => undefined);
      throw NotificationsErrors.confirmationUnavailable();
    }
    if (outcome.outcome === 'gone') {
      // the push service no longer knows the address: the old owner's row is dead anyway
      await this.repo.deleteDeviceByAddress(null, d.kind, d.address);
    }
    throw NotificationsErrors.deviceTaken();
  }

  /** The device sent back its confirmation code: it moves to the caller (the old owner's row is removed). */
  async confirmDevice(p: Principal, code: string): Promise<DeviceView> {
    const claim = await this.redisCall(() => this.claims.take(code));
    if (!claim || claim.userId !== p.userId) throw NotificationsErrors.confirmationNotFound();
    if ((await this.repo.countDevices(p.userId)) >= MAX_DEVICES_PER_USER) throw NotificationsErrors.deviceLimit();
    return deviceView(await this.repo.takeOverDevice(claim));
  }

  private async redisCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch {
      throw NotificationsErrors.confirmationUnavailable();
    }
  }

  async devices(p: Principal): Promise<DeviceView[]> {
    return (await this.repo.devices(p.userId)).map(deviceView);
  }

  async removeDevice(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.deleteDevice(p.userId, id))) throw NotificationsErrors.deviceNotFound();
  }

  async unregisterWebPush(p: Principal, endpoint: string): Promise<void> {
    let address: string;
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
    if (!lastId || !isBigIntString(lastId)) return [];
    return (await this.repo.listAfter(p.userId, lastId, 100)).map(toView);
  }

  subscribe(p: Principal, listener: StreamListener): () => void {
    return this.realtime.subscribe(p.userId, listener);
  }

  // ---- fan-out (worker) -----------------------------------------------------------------------

  /**
   * Turns a batch of outbox events into notification rows for the right people, then publishes the
   * new rows in real time and queues their pushes. Set-based: one read of the events, one lookup of
   * every recipient (with names and preferences), one of the subjects, and one transaction that
   * inserts all rows and their push deliveries, whatever the batch size.
   *
   * Safe to run twice, for any subset: rows are unique per (event, user), pushes per (notification,
   * device), and push jobs are keyed by the delivery id. If the batch fails, each event is tried on
   * its own, so one bad event does not hold back the others; the job still fails (and is retried)
   * naming the events that failed.
   */
  async handleEvents(eventIds: string[]): Promise<FanOutResult> {
    const ids = [...new Set(eventIds.map(String))].filter((id) => EVENT_ID.test(id));
    if (ids.length <= 1) return this.fanOut(ids);
    try {
      return await this.fanOut(ids);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, events: ids.length }, 'Batch fan-out failed; trying its events one by one');
    }
    const total: FanOutResult = { events: 0, created: 0, pushes: 0, skipped: {} };
    const failed: string[] = [];
    let lastError: Error | null = null;
    for (const id of ids) {
      try {
        const r = await this.fanOut([id]);
        total.events += r.events;
        total.created += r.created;
        total.pushes += r.pushes;
        for (const [why, n] of Object.entries(r.skipped)) total.skipped[why] = (total.skipped[why] ?? 0) + n;
      } catch (e) {
        failed.push(id);
        lastError = e as Error;
      }
    }
    if (failed.length) throw new Error(`Fan-out failed for event(s) ${failed.join(', ')}: ${lastError?.message}`);
    return total;
  }

  private async fanOut(eventIds: string[]): Promise<FanOutResult> {
    const result: FanOutResult = { events: eventIds.length, created: 0, pushes: 0, skipped: {} };
    if (eventIds.length === 0) return result;
    const skip = (why: string): void => void (result.skipped[why] = (result.skipped[why] ?? 0) + 1);

    const { inserted, pending } = await this.repo.fanOutTransaction(async (tx) => {
      const events = await this.outbox.findByIds(eventIds, tx);
      for (let i = events.length; i < eventIds.length; i++) skip('event-gone');
      const planned: Array<{ event: StoredEvent; audience: Audience }> = [];
      for (const event of events) {
        const audience = audienceOf(event);
        if (audience) planned.push({ event, audience });
        else skip('not-notified');
      }
      if (planned.length === 0) return { inserted: [], pending: [] };

      const keys: RecipientKeys = { student: [], class: [], user: [], conversation: [], announcement: [], account: [] };
      const subjectIds = new Set<string>();
      const lessonIds = new Set<string>();
      for (const { audience: a } of planned) {
        for (const k of a.keys) if (UUID.test(k)) keys[a.source].push(k);
        if (a.subjectId) {
          if (UUID.test(a.subjectId)) subjectIds.add(a.subjectId);
        } else if (a.lessonId && UUID.test(a.lessonId)) lessonIds.add(a.lessonId);
      }
      for (const source of Object.keys(keys) as RecipientSource[]) keys[source] = [...new Set(keys[source])];
      const byKey = new Map<string, RecipientRow[]>();
      for (const r of await this.repo.recipients(tx, keys)) {
        const k = `${r.source}:${r.key}`;
        const list = byKey.get(k);
        if (list) list.push(r);
        else byKey.set(k, [r]);
      }
      const subjects = await this.repo.subjectNames(tx, [...subjectIds], [...lessonIds]);
      const { notifications, pushTo } = this.compose(planned, byKey, subjects, skip);
      if (notifications.length === 0) return { inserted: [], pending: [] };
      return { inserted: await this.repo.insertForEvents(tx, notifications), pending: await this.repo.deliveriesForEvents(tx, pushTo) };
    });

    inserted.sort((x, y) => x.id.length - y.id.length || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    await this.realtime.publish(inserted.map((r) => ({ userId: r.user_id, view: toView(r) })));
    result.created = inserted.length;
    result.pushes = await this.enqueuePushes(pending);
    return result;
  }

  /** The rows of a planned batch, in event order: recipients filtered and de-duplicated per event, texts, channels. */
  private compose(
    planned: Array<{ event: StoredEvent; audience: Audience }>,
    byKey: Map<string, RecipientRow[]>,
    subjects: { bySubject: Map<string, string>; byLesson: Map<string, string> },
    skip: (why: string) => void,
  ): { notifications: NewEventNotification[]; pushTo: Array<{ eventId: string; userId: string }> } {
    const notifications: NewEventNotification[] = [];
    const pushTo: Array<{ eventId: string; userId: string }> = [];
    for (const { event, audience: a } of planned) {
      const seen = new Set<string>();
      const recipients = a.keys
        .flatMap((k) => byKey.get(`${a.source}:${k}`) ?? [])
        .filter((r) => !(a.source === 'student' && r.ord === 0 && !a.self))
        .filter((r) => r.user_id !== event.actorId && r.user_id !== a.exclude && !seen.has(r.user_id) && seen.add(r.user_id));
      if (recipients.length === 0) {
        skip('no-recipients');
        continue;
      }
      const subject = a.subjectId
        ? (subjects.bySubject.get(a.subjectId) ?? null)
        : a.lessonId
          ? (subjects.byLesson.get(a.lessonId) ?? null)
          : null;
      const data: Record<string, unknown> = { eventType: event.type };
      for (const f of ID_FIELDS) if (typeof event.payload[f] === 'string') data[f] = event.payload[f];
      let made = 0;
      for (const r of recipients) {
        // 'account' rows of ord 1 are the school admins of the person the alert is about (child_id)
        const aboutOther = a.source === 'account' && r.child_id !== null;
        const rendered = renderEvent(event.type, {
          subject,
          childName: r.child_id && !aboutOther ? r.child_name : null,
          personName: aboutOther ? r.person_name : null,
          payload: event.payload,
        });
        if (!rendered) continue;
        // Security alerts ignore preferences and the digest: always in-app and pushed.
        const security = rendered.kind === SECURITY_KIND;
        const channel = security ? 'push' : ((r.channels?.[rendered.kind] as Channel | undefined) ?? DEFAULT_CHANNEL);
        if (channel === 'off') continue;
        notifications.push({
          eventId: event.id,
          userId: r.user_id,
          kind: rendered.kind,
          ...rendered.text,
          data: r.child_id && !aboutOther ? { ...data, studentId: r.child_id } : data,
        });
        if (channel === 'push' && (security || !r.daily_digest)) pushTo.push({ eventId: event.id, userId: r.user_id });
        made++;
      }
      if (made === 0) skip('muted');
    }
    return { notifications, pushTo };
  }

  private async queuePushes(notificationIds: string[]): Promise<number> {
    return this.enqueuePushes(await this.repo.pendingDeliveries(notificationIds));
  }

  private async enqueuePushes(deliveries: RowStamp[]): Promise<number> {
    const { pushAttempts, pushBackoffMs } = this.config.notify;
    await Promise.all(
      deliveries.map((d) =>
        this.producer.enqueue(
          'pushDeliver',
          { deliveryId: d.id },
          { key: JobKeys.push(d), attempts: pushAttempts, backoff: { type: 'exponential', delay: pushBackoffMs } },
        ),
      ),
    );
    return deliveries.length;
  }

  // ---- push delivery (worker) -----------------------------------------------------------------

  /**
   * One push to one device. The delivery is marked 'sending' and committed before the push service is
   * called; a finished delivery sends nothing (a second run of a finished job). A delivery found
   * 'sending' was interrupted mid-send (worker killed): the first push may or may not have arrived, so
   * it is sent again — once — with the same tag (Web Push Topic, FCM collapse key, APNs collapse id),
   * so a device that got both shows one. 404/410 remove the device; 429/5xx/network answer 'retry'
   * (the caller throws so Bull backs off) unless this is the last attempt; other refusals are permanent.
   */
  async deliverPush(deliveryId: string, lastAttempt: boolean): Promise<{ result: PushResult; error?: string; resent?: boolean }> {
    const d = await this.repo.claimDelivery(deliveryId);
    if (!d) return { result: 'skipped', error: 'device or notification gone' };
    if (!d.claimed) return { result: 'done-before' };
    const resent = d.status === 'sending';
    if (resent)
      this.logger.warn(
        { deliveryId: d.id, attempts: d.attempts },
        'Push delivery was interrupted after it was marked sending; sending it again with the same tag',
      );
    const createdAt = new Date(d.created_at).toISOString();
    const message: PushMessage = {
      id: String(d.notification_id),
      kind: d.kind,
      title: d.title,
      body: d.body,
      data: d.data ?? {},
      createdAt,
      tag: pushTag(String(d.notification_id), createdAt),
    };
    const outcome: PushOutcome =
      d.device_kind === 'web_push'
        ? await this.webPush.send({ endpoint: d.address, p256dh: d.p256dh ?? '', auth: d.auth ?? '' }, message)
        : await this.mobile.send(d.address, message);
    switch (outcome.outcome) {
      case 'sent':
        await this.repo.markSent(d.id, d.device_id);
        return resent ? { result: 'sent', resent } : { result: 'sent' };
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
