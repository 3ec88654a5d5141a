import { Injectable, Logger } from '@nestjs/common';
import { OutboxService, StoredEvent } from '../events/outbox.service';
import { Audience, audienceOf } from './audience';
import { Channel, DEFAULT_CHANNEL, SECURITY_KIND } from './notification-kinds';
import { renderEvent } from './notification-texts';
import { toView } from './notification-view';
import { NewEventNotification, NotificationsRepository } from './notifications.repository';
import { PushDeliveriesRepository } from './push/push-deliveries.repository';
import { PushDeliveryService } from './push/push-delivery.service';
import { RealtimeService } from './realtime.service';
import { RecipientKeys, RecipientRow, RecipientSource, RecipientsReadModel, SubjectNames } from './read-models/recipients.read-model';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^[1-9]\d{0,18}$/;

/** What a fan-out job did: events asked for, rows made, pushes queued, events that made nothing (by reason). */
export interface FanOutResult {
  events: number;
  created: number;
  pushes: number;
  skipped: Record<string, number>;
}

/**
 * Fan-out (worker): outbox events → notification rows for their recipients (audience.ts says who,
 * the recipients read model finds them), published in real time, their pushes queued. The only
 * writer of notifications made from events.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: PushDeliveriesRepository,
    private readonly recipients: RecipientsReadModel,
    private readonly outbox: OutboxService,
    private readonly realtime: RealtimeService,
    private readonly push: PushDeliveryService,
  ) {}

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

    const { inserted, pending } = await this.notifications.fanOutTransaction(async (tx) => {
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
      for (const r of await this.recipients.recipients(tx, keys)) {
        const k = `${r.source}:${r.key}`;
        const list = byKey.get(k);
        if (list) list.push(r);
        else byKey.set(k, [r]);
      }
      const subjects = await this.recipients.subjectNames(tx, [...subjectIds], [...lessonIds]);
      const { notifications, pushTo } = this.compose(planned, byKey, subjects, skip);
      if (notifications.length === 0) return { inserted: [], pending: [] };
      return {
        inserted: await this.notifications.insertForEvents(tx, notifications),
        pending: await this.deliveries.deliveriesForEvents(tx, pushTo),
      };
    });

    inserted.sort((x, y) => x.id.length - y.id.length || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    await this.realtime.publish(inserted.map((r) => ({ userId: r.user_id, view: toView(r) })));
    result.created = inserted.length;
    result.pushes = await this.push.enqueue(pending);
    return result;
  }

  /** The rows of a planned batch, in event order: recipients filtered and de-duplicated per event, texts, channels. */
  private compose(
    planned: Array<{ event: StoredEvent; audience: Audience }>,
    byKey: Map<string, RecipientRow[]>,
    subjects: SubjectNames,
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
}
