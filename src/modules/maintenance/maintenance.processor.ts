import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { LoginHistoryService } from '../auth/login-history.service';
import { SessionsService } from '../auth/sessions.service';
import { JOBS, QUEUES } from '../../core/queue/queue.constants';

/** Ended sessions are kept 30 days for investigation; the login history one year. */
export const SESSION_RETENTION_DAYS = 30;
export const LOGIN_HISTORY_RETENTION_DAYS = 365;

@Processor(QUEUES.maintenance)
export class MaintenanceProcessor {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly history: LoginHistoryService,
  ) {}

  @Process(JOBS.purgeExpiredSessions.name)
  async purge(): Promise<{ sessions: number; attempts: number }> {
    const sessions = await this.sessions.purgeEnded(SESSION_RETENTION_DAYS);
    const attempts = await this.history.purgeOlderThan(LOGIN_HISTORY_RETENTION_DAYS);
    this.logger.log({ sessions, attempts }, 'Purged ended sessions and old login history');
    return { sessions, attempts };
  }
}
