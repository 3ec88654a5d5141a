import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JobKeys } from '../../core/queue/job-ids';
import { QueueProducer } from '../../core/queue/queue-producer.service';
import { PORTAL_EVENT_TYPES } from '../events/event-routes';
import { OutboxService, StoredEvent } from '../events/outbox.service';
import { PortalDeliveryPage, PortalDeliveryQueryDto, PortalDeliveryView } from './dto/portal-sync.dto';
import { PortalSyncErrors } from './portal-sync.errors';
import { DeliveryRow, PortalSyncRepository } from './portal-sync.repository';
import { PortalStudentsReadModel } from './read-models/portal-students.read-model';

export type PortalResult = 'delivered' | 'retry' | 'failed' | 'permanent' | 'skipped' | 'done-before';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const view = (r: DeliveryRow): PortalDeliveryView => ({
  id: r.id,
  eventId: String(r.event_id),
  eventType: r.event_type,
  schoolId: r.school_id,
  studentIds: r.student_ids,
  idempotencyKey: r.idempotency_key,
  status: r.status,
  attempts: r.attempts,
  manualRetries: r.manual_retries,
  lastError: r.last_error,
  lastAttemptAt: iso(r.last_attempt_at),
  deliveredAt: iso(r.delivered_at),
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * Delivery of grades, homework and schedule changes of ESIA-linked students to the state portal.
 * The only writer of portal_deliveries. No HTTP call runs inside a transaction.
 */
@Injectable()
export class PortalSyncService {
  constructor(
    private readonly repo: PortalSyncRepository,
    private readonly studentReads: PortalStudentsReadModel,
    private readonly outbox: OutboxService,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One attempt for one event (the queue job). Makes the delivery row on first sight (the linked students
   * fixed then), sends it with its idempotency key, records the outcome. Safe to run twice: only a
   * pending delivery is sent, and the portal dedupes by the key.
   */
  async deliver(eventId: string, lastAttempt: boolean): Promise<{ result: PortalResult; error?: string }> {
    let d = await this.repo.byEvent(eventId);
    if (!d) {
      const event = await this.outbox.findById(eventId);
      if (!event || !(PORTAL_EVENT_TYPES as readonly string[]).includes(event.type))
        return { result: 'skipped', error: 'not a portal event' };
      const students = await this.studentReads.linkedStudents(await this.studentsOf(event));
      if (students.length === 0) return { result: 'skipped', error: 'no linked students' };
      await this.repo.insert({
        eventId,
        eventType: event.type,
        schoolId: event.schoolId,
        studentIds: students,
        idempotencyKey: `diary-event:${event.idempotencyKey}`,
      });
      d = (await this.repo.byEvent(eventId))!;
    }
    if (d.status !== 'pending') return { result: 'done-before' };
    const url = this.config.notify.portalSyncUrl;
    if (!url) {
      await this.repo.markAttempt(d.id, 'portal sync is off (PORTAL_SYNC_URL not set)', lastAttempt);
      return { result: lastAttempt ? 'failed' : 'retry', error: 'portal sync is off' };
    }
    const event = await this.outbox.findById(eventId);
    if (!event) {
      await this.repo.markAttempt(d.id, 'event row is gone', true);
      return { result: 'permanent', error: 'event row is gone' };
    }
    const body = {
      idempotencyKey: d.idempotency_key,
      eventId: String(event.id),
      type: event.type,
      occurredAt: new Date(event.occurredAt).toISOString(),
      schoolId: event.schoolId,
      students: await this.studentReads.oids(d.student_ids),
      data: event.payload,
    };
    const outcome = await this.post(url, d.idempotency_key, body);
    if (outcome.ok) {
      await this.repo.markDelivered(d.id);
      return { result: 'delivered' };
    }
    if (outcome.retry) {
      await this.repo.markAttempt(d.id, outcome.error, lastAttempt);
      return { result: lastAttempt ? 'failed' : 'retry', error: outcome.error };
    }
    await this.repo.markAttempt(d.id, outcome.error, true);
    return { result: 'permanent', error: outcome.error };
  }

  private async studentsOf(e: StoredEvent): Promise<string[]> {
    const p = e.payload;
    if (typeof p.studentId === 'string') return [p.studentId];
    if (Array.isArray(p.studentIds)) return p.studentIds.filter((x): x is string => typeof x === 'string');
    if (typeof p.classId === 'string') return this.studentReads.classStudents(p.classId);
    return [];
  }

  /** 2xx and 409 (already applied) count as delivered; 408/425/429/5xx/network retry; other 4xx are permanent. */
  private async post(url: string, key: string, body: unknown): Promise<{ ok: true } | { ok: false; retry: boolean; error: string }> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
          ...(this.config.notify.portalSyncToken ? { Authorization: `Bearer ${this.config.notify.portalSyncToken}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.notify.httpTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if ((res.status >= 200 && res.status < 300) || res.status === 409) return { ok: true };
      const retry = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
      return { ok: false, retry, error: `HTTP ${res.status}` };
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string } };
      return {
        ok: false,
        retry: true,
        error: `network: ${err?.name === 'TimeoutError' ? 'timeout' : (err?.cause?.code ?? err?.name ?? 'error')}`,
      };
    }
  }

  // ---- admins ---------------------------------------------------------------------------------

  async list(p: Principal, q: PortalDeliveryQueryDto): Promise<PortalDeliveryPage> {
    const rows = await this.repo.listForAdmin(p, q.status ?? null, q.cursor ?? null, q.limit + 1);
    const items = rows.slice(0, q.limit).map(view);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].eventId : null };
  }

  /**
   * Puts a failed delivery back in the queue (a fresh job with a full set of attempts). The row is
   * reopened and committed first (a job that ran before the commit would still see it failed); if the
   * queue cannot take the job, the row is put back to failed and the admin is told to try later.
   */
  async retry(p: Principal, id: string): Promise<PortalDeliveryView> {
    if (!this.config.notify.portalSyncUrl) throw PortalSyncErrors.syncOff();
    const row = await this.repo.transaction(async (tx) => {
      const d = await this.repo.findForAdmin(tx, p, id);
      if (!d) throw PortalSyncErrors.deliveryNotFound();
      if (d.status !== 'failed') throw PortalSyncErrors.notFailed();
      return this.repo.reopen(tx, id);
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.producer
          .enqueue(
            'portalDeliver',
            { eventId: String(row.event_id) },
            { key: JobKeys.portalRetry(String(row.event_id), row.manual_retries), attempts: this.config.notify.portalAttempts },
          )
          .finally(() => clearTimeout(timer)),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('queue timeout')), 5_000))),
      ]);
    } catch {
      await this.repo.undoReopen(row.id, row.manual_retries);
      throw PortalSyncErrors.queueUnavailable();
    }
    return view(row);
  }
}
