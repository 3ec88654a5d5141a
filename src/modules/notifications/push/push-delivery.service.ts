import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { JobKeys, RowStamp } from '../../../core/queue/job-ids';
import { EnqueueOptions, QueueProducer } from '../../../core/queue/queue-producer.service';
import { PushDevicesRepository } from '../push-devices.repository';
import { PushDeliveriesRepository } from './push-deliveries.repository';
import { MOBILE_PUSH_PROVIDER, MobilePushProvider, PushMessage, PushOutcome, pushTag } from './push.types';
import { WebPushSender } from './web-push.sender';

/** A delivery 'sending' for longer than this was interrupted and its job will not run again (see `sweepStalled`). */
export const STALLED_SENDING_SEC = 600;
/** Resends the sweep allows a delivery beyond its job's attempts; then the row is given up ('failed'). */
export const SWEEP_RESENDS = 3;
/** Rows one sweep takes (the next sweep takes the rest). */
const SWEEP_BATCH = 500;

/** What one sweep did: jobs added anew, failed jobs retried, rows already queued, rows given up. */
export interface SweepResult {
  added: number;
  retried: number;
  queued: number;
  givenUp: number;
}

export type PushResult = 'sent' | 'gone' | 'retry' | 'failed' | 'permanent' | 'skipped' | 'done-before';

/**
 * Push delivery: queues one job per `push_deliveries` row (fan-out and digest make the rows) and sends
 * it, in the worker, through Web Push or the mobile provider, with Bull's retries.
 */
@Injectable()
export class PushDeliveryService {
  private readonly logger = new Logger(PushDeliveryService.name);

  constructor(
    private readonly deliveries: PushDeliveriesRepository,
    private readonly devices: PushDevicesRepository,
    private readonly producer: QueueProducer,
    private readonly webPush: WebPushSender,
    @Inject(MOBILE_PUSH_PROVIDER) private readonly mobile: MobilePushProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Queues the unfinished deliveries of these notifications; returns how many. */
  async enqueueFor(notificationIds: string[]): Promise<number> {
    return this.enqueue(await this.deliveries.pendingDeliveries(notificationIds));
  }

  /** Queues one job per delivery, keyed by the row (a second add of the same row collapses); returns how many. */
  async enqueue(deliveries: RowStamp[]): Promise<number> {
    await Promise.all(deliveries.map((d) => this.producer.enqueue('pushDeliver', { deliveryId: d.id }, this.jobOptions(d))));
    return deliveries.length;
  }

  /** A delivery's job: keyed by the row (a second add of the same row collapses), attempts and backoff from config. */
  private jobOptions(d: RowStamp): EnqueueOptions & { key: string } {
    const { pushAttempts, pushBackoffMs } = this.config.notify;
    return { key: JobKeys.push(d), attempts: pushAttempts, backoff: { type: 'exponential', delay: pushBackoffMs } };
  }

  /**
   * One push to one device. The delivery is marked 'sending' and committed before the push service is
   * called; a finished delivery sends nothing (a second run of a finished job). A delivery found
   * 'sending' was interrupted mid-send (worker killed): the first push may or may not have arrived, so
   * it is sent again — once — with the same tag (Web Push Topic, FCM collapse key, APNs collapse id),
   * so a device that got both shows one. 404/410 remove the device; 429/5xx/network answer 'retry'
   * (the caller throws so Bull backs off) unless this is the last attempt; other refusals are permanent.
   */
  async deliverPush(deliveryId: string, lastAttempt: boolean): Promise<{ result: PushResult; error?: string; resent?: boolean }> {
    const d = await this.deliveries.claimDelivery(deliveryId);
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
        await this.deliveries.markSent(d.id, d.device_id);
        return resent ? { result: 'sent', resent } : { result: 'sent' };
      case 'gone':
        await this.devices.removeGoneDevice(d.device_id);
        this.logger.log({ deviceId: d.device_id, status: outcome.status }, 'Push subscription gone; device removed');
        return { result: 'gone' };
      case 'off':
        await this.deliveries.markAttempt(d.id, outcome.error, 'skipped');
        return { result: 'skipped', error: outcome.error };
      case 'permanent':
        await this.deliveries.markAttempt(d.id, outcome.error, 'failed');
        return { result: 'permanent', error: outcome.error };
      case 'retry':
        await this.deliveries.markAttempt(d.id, outcome.error, lastAttempt ? 'failed' : null);
        return { result: lastAttempt ? 'failed' : 'retry', error: outcome.error };
    }
  }

  /**
   * The sweep of stalled sends (worker cron, jobs/push-sweep.scheduler.ts). A delivery is left
   * 'sending' when its job stops for good between the claim and the answer: the worker died on the
   * job's last attempt, Bull failed it for stalling too often, or Redis lost it. Such a row is put back
   * on the retry path after STALLED_SENDING_SEC: its job is added again (or retried once more when Bull
   * still holds it failed), and `deliverPush` sends it again with the same tag (Web Push Topic, FCM
   * collapse key, APNs collapse id), so a device that got the first copy shows one. A row that has been
   * tried SWEEP_RESENDS times beyond the configured attempts is given up ('failed'), so a push that
   * kills its worker every time is not resent for ever.
   */
  async sweepStalled(olderThanSec = STALLED_SENDING_SEC): Promise<SweepResult> {
    const maxAttempts = this.config.notify.pushAttempts + SWEEP_RESENDS;
    const { resend, givenUp } = await this.deliveries.takeStalled(olderThanSec, maxAttempts, SWEEP_BATCH);
    const result: SweepResult = { added: 0, retried: 0, queued: 0, givenUp };
    for (const d of resend) result[await this.producer.requeue('pushDeliver', { deliveryId: d.id }, this.jobOptions(d))]++;
    if (resend.length || givenUp)
      this.logger.warn({ ...result }, 'Push deliveries left sending by an interrupted job: put back on the queue, or given up');
    return result;
  }
}
