import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxService } from '../../events/outbox.service';
import { CredentialsService, LOCK_MINUTES, MAX_FAILED_LOGINS } from '../../users/credentials.service';
import { AuthMethod } from '../entities/session.entity';
import { LoginHistoryService } from '../login-history.service';
import { ClientInfo } from '../sessions.service';
import { deviceLabel } from './device';

/** A successful sign-in from a device not seen in this many days of the user's successful sign-ins is "new". */
export const NEW_DEVICE_WINDOW_DAYS = 90;

interface Account {
  id: string;
  schoolId: string | null;
}

/**
 * Security alerts as domain events, each written in the transaction of the change it reports (outbox),
 * fanned out by the notifications module as kind `security` (in-app and push, not switchable off):
 * - `security.account_locked`: the failure that locks the account (MAX_FAILED_LOGINS in a row); the
 *   owner and, for staff, their school's admins are told;
 * - `security.new_device`: a successful sign-in (password, second factor or Госуслуги) from a user agent
 *   and network (IPv4 /24, IPv6 /48) not among the user's successful sign-ins of NEW_DEVICE_WINDOW_DAYS;
 *   the very first sign-in is not "new";
 * - `security.mfa_reset`: an admin removed the user's second factor.
 * Payloads hold ids and small facts (no IP address: the owner sees it in the login history).
 */
@Injectable()
export class SecurityAlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: CredentialsService,
    private readonly history: LoginHistoryService,
    private readonly outbox: OutboxService,
  ) {}

  /** A wrong password or second-factor code: counts towards the lockout. Returns the lock end if it locked now. */
  async registerFailure(user: Account): Promise<Date | null> {
    return this.db.transaction(async (tx) => {
      const lockedUntil = await this.users.registerFailedLogin(user.id, tx);
      if (lockedUntil) {
        await this.outbox.record(tx, {
          type: 'security.account_locked',
          aggregateType: 'user',
          aggregateId: user.id,
          schoolId: user.schoolId,
          actorId: null,
          payload: { userId: user.id, lockedUntil: lockedUntil.toISOString(), minutes: LOCK_MINUTES, failures: MAX_FAILED_LOGINS },
          idempotencyKey: `security.account_locked:${user.id}:${lockedUntil.toISOString()}`,
        });
      }
      return lockedUntil;
    });
  }

  /** The success row of the login history, and the new-device alert when it applies, in one transaction. */
  async recordSignIn(user: Account, method: AuthMethod, reason: string, client: ClientInfo, sessionId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const seen = await this.history.deviceHistory(user.id, client, NEW_DEVICE_WINDOW_DAYS, tx);
      await this.history.record({ userId: user.id, schoolId: user.schoolId, method, outcome: 'success', reason, client }, tx);
      if (!seen.signedInBefore || seen.knownDevice) return;
      await this.outbox.record(tx, {
        type: 'security.new_device',
        aggregateType: 'user',
        aggregateId: user.id,
        schoolId: user.schoolId,
        actorId: null,
        payload: { userId: user.id, sessionId, method, device: deviceLabel(client.userAgent) },
        idempotencyKey: `security.new_device:${sessionId}`,
      });
    });
  }

  /** In the caller's transaction (the one that removed the factor). */
  async mfaReset(tx: EntityManager, user: Account, adminId: string, auditId: string): Promise<void> {
    await this.outbox.record(tx, {
      type: 'security.mfa_reset',
      aggregateType: 'user',
      aggregateId: user.id,
      schoolId: user.schoolId,
      actorId: adminId,
      payload: { userId: user.id, auditId },
      idempotencyKey: `security.mfa_reset:${auditId}`,
    });
  }
}
