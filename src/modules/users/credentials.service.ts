import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Role } from '../../common/auth/role';
import { validationFailed } from '../../common/errors/app-error';
import { PASSWORD_PROBLEM_MESSAGES, passwordProblem } from '../../common/validation/password';
import { AccessChangePublisher } from './access-change.publisher';
import { PasswordHasher } from './password-hasher';
import { UsersErrors } from './users.errors';
import { LoginCandidate, UsersRepository } from './users.repository';

export type { LoginCandidate } from './users.repository';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** What a new password of the user's own changed (the user row after the change). */
export interface OwnPasswordChange {
  authVersion: number;
  /** The new session epoch: one more than before the change (the trigger moves it by one for a new password). */
  sessionEpoch: number;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
}

/** Refuses a new password that breaks the rule (common/validation/password.ts) as a validation error of `field`. */
export function ensureGoodPassword(password: string, login: string, field: string): void {
  const problem = passwordProblem(password, login);
  if (problem) throw validationFailed([{ field, code: 'isDiaryPassword', message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
}

/**
 * The diary password of an account and what hangs on it: hashing and checking, the lockout counters
 * (docs/domain.md §2), a new password (the user's own or set by an admin) and ending every session.
 * The auth module signs in through this service; who may ask is checked by the caller.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessChanges: AccessChangePublisher,
  ) {}

  async findLoginCandidate(login: string): Promise<LoginCandidate | null> {
    return this.repo.findLoginCandidate(login.trim().toLowerCase());
  }

  async findLoginCandidateById(id: string): Promise<LoginCandidate | null> {
    return this.repo.findLoginCandidateById(id);
  }

  verifyPassword(password: string, hash: string | null): Promise<boolean> {
    return this.hasher.verify(password, hash);
  }

  hashPassword(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  /**
   * Counts a failed password in one atomic statement; the fifth in a row locks the account
   * for LOCK_MINUTES and restarts the count. Returns the lock end if the account is now locked.
   * `tx`: the caller's transaction (auth writes the lockout alert to the outbox in the same one).
   */
  async registerFailedLogin(userId: string, tx?: EntityManager): Promise<Date | null> {
    const until = await this.repo.countFailedLogin(tx, userId, MAX_FAILED_LOGINS, LOCK_MINUTES);
    return until && until.getTime() > Date.now() ? until : null;
  }

  async registerSuccessfulLogin(userId: string): Promise<void> {
    await this.repo.clearFailedLogins(userId);
  }

  /** Clears a lock after failed attempts (an admin's unlock). */
  async clearLock(userId: string): Promise<void> {
    await this.repo.update(undefined, userId, { failedLoginCount: 0, lockedUntil: null });
  }

  /**
   * A new password set for the user by someone else (an admin; the caller checked who asks): every session of
   * the user ends (the trigger moves the session epoch) and a lock is cleared.
   */
  async resetPassword(userId: string, login: string, password: string): Promise<void> {
    ensureGoodPassword(password, login, 'password');
    await this.repo.update(undefined, userId, { passwordHash: await this.hasher.hash(password), failedLoginCount: 0, lockedUntil: null });
    await this.accessChanges.changed(undefined, [userId]);
  }

  /**
   * The user's own new password (the auth module checked who is asking). In one transaction: the password
   * (which moves the session epoch, ending every session) and `inSameTransaction`, where the caller moves the
   * session it wants to keep to the new epoch; published after the commit. A lock from failed attempts is cleared.
   */
  async changeOwnPassword<T>(
    userId: string,
    password: string,
    inSameTransaction: (tx: EntityManager, change: OwnPasswordChange) => Promise<T>,
  ): Promise<{ change: OwnPasswordChange; result: T }> {
    const passwordHash = await this.hasher.hash(password);
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.setOwnPassword(tx, userId, passwordHash);
      if (!row) throw UsersErrors.notFound();
      const change: OwnPasswordChange = {
        authVersion: row.auth_version,
        sessionEpoch: row.session_epoch,
        roles: row.roles,
        schoolId: row.school_id,
        regionId: row.region_id,
      };
      const result = await inSameTransaction(tx, change);
      await this.accessChanges.changed(tx, [userId]);
      return { change, result };
    });
  }

  /**
   * Ends every session of a user at once (their access tokens are refused on the next request, their refresh
   * tokens too) without changing anything else: for a reset of a second factor and similar. Inside `tx` the
   * sessions end when it commits.
   */
  async endAllSessions(userId: string, tx?: EntityManager): Promise<void> {
    await this.repo.bumpSessionEpoch(tx, userId);
    await this.accessChanges.changed(tx, [userId]);
  }
}
