import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { LoginHistoryService } from '../auth/login-history.service';
import { SessionsService } from '../auth/sessions.service';
import { IdempotencyStore } from '../../core/idempotency/idempotency.store';
import { JOBS, QUEUES } from '../../core/queue/queue.constants';

/** Ended sessions are kept 30 days for investigation; the login history one year. */
export const SESSION_RETENTION_DAYS = 30;
export const LOGIN_HISTORY_RETENTION_DAYS = 365;
/** Idempotency keys: long enough for a phone that was offline over a school week, then gone (their answers hold grades, messages, names). */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 14;

@Processor(QUEUES.maintenance)
export class MaintenanceProcessor {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly history: LoginHistoryService,
    private readonly idempotency: IdempotencyStore,
  ) {}

  @Process(JOBS.purgeExpiredSessions.name)
  async purge(): Promise<{ sessions: number; attempts: number; idempotencyKeys: number }> {
    const sessions = await this.sessions.purgeEnded(SESSION_RETENTION_DAYS);
    const attempts = await this.history.purgeOlderThan(LOGIN_HISTORY_RETENTION_DAYS);
    const idempotencyKeys = await this.idempotency.purgeOlderThan(IDEMPOTENCY_KEY_RETENTION_DAYS);
    this.logger.log({ sessions, attempts, idempotencyKeys }, 'Purged ended sessions, old login history and idempotency keys');
    return { sessions, attempts, idempotencyKeys };
  }
}
