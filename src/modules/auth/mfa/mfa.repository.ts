import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SchoolScope } from '../../../access';
import { MfaAuditAction } from './entities/mfa-audit.entity';

/**
 * SQL of the second factor: named, parameterised statements on user_mfa, mfa_recovery_codes and mfa_audit
 * (the only writer of the three). Every change of state is one conditional statement, so two requests
 * racing for the same code, recovery code or enrolment cannot both win.
 */

export interface MfaRow {
  secret_encrypted: Buffer;
  confirmed_at: Date | null;
  last_used_step: string | null;
}

export interface MfaStateRow {
  confirmed_at: Date | null;
  pending: boolean;
  recovery_codes_left: number;
}

export interface MfaAuditRow {
  id: string;
  user_id: string;
  actor_id: string | null;
  school_id: string | null;
  action: MfaAuditAction;
  at: Date;
}

@Injectable()
export class MfaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async state(userId: string): Promise<MfaStateRow | null> {
    const [row]: MfaStateRow[] = await this.db.query(
      `SELECT m.confirmed_at, m.confirmed_at IS NULL AS pending,
              (SELECT count(*)::int FROM mfa_recovery_codes c WHERE c.user_id = m.user_id AND c.used_at IS NULL) AS recovery_codes_left
         FROM user_mfa m WHERE m.user_id = $1`,
      [userId],
    );
    return row ?? null;
  }

  async isConfirmed(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM user_mfa WHERE user_id = $1 AND confirmed_at IS NOT NULL', [userId]);
    return rows.length > 0;
  }

  async find(userId: string, m: EntityManager | DataSource = this.db): Promise<MfaRow | null> {
    const [row]: MfaRow[] = await m.query('SELECT secret_encrypted, confirmed_at, last_used_step FROM user_mfa WHERE user_id = $1', [
      userId,
    ]);
    return row ?? null;
  }

  /** Starts (or restarts) an enrolment with a new secret; false when a confirmed factor exists. */
  async startEnrolment(userId: string, secretEncrypted: Buffer): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH started AS (
         INSERT INTO user_mfa AS m (user_id, secret_encrypted) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, last_used_step = NULL, created_at = now(), updated_at = now()
          WHERE m.confirmed_at IS NULL
         RETURNING user_id)
       SELECT user_id FROM started`,
      [userId, secretEncrypted],
    );
    return rows.length === 1;
  }

  /** Puts the pending factor in force, remembering the step of the confirming code; false if none was pending. */
  async confirm(tx: EntityManager, userId: string, step: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH done AS (UPDATE user_mfa SET confirmed_at = now(), last_used_step = $2, updated_at = now()
                      WHERE user_id = $1 AND confirmed_at IS NULL RETURNING user_id)
       SELECT user_id FROM done`,
      [userId, step],
    );
    return rows.length === 1;
  }

  /** Spends a TOTP step: true only for the first caller with a step after the last accepted one. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH used AS (UPDATE user_mfa SET last_used_step = $2, updated_at = now()
                      WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id)
       SELECT user_id FROM used`,
      [userId, step],
    );
    return rows.length === 1;
  }

  async replaceRecoveryCodes(tx: EntityManager, userId: string, hashes: string[]): Promise<void> {
    await tx.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    await tx.query('INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::text[]) AS h', [userId, hashes]);
  }

  /** Spends a recovery code of a confirmed factor; true only the first time. */
  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH used AS (UPDATE mfa_recovery_codes c SET used_at = now()
                      WHERE c.user_id = $1 AND c.code_hash = $2 AND c.used_at IS NULL
                        AND EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = c.user_id AND m.confirmed_at IS NOT NULL)
                     RETURNING c.id)
       SELECT id FROM used`,
      [userId, codeHash],
    );
    return rows.length === 1;
  }

  /** Removes the factor (pending or confirmed) and its recovery codes; whether a confirmed one was removed. */
  async remove(tx: EntityManager, userId: string): Promise<boolean> {
    await tx.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    const rows: Array<{ confirmed_at: Date | null }> = await tx.query(
      'WITH gone AS (DELETE FROM user_mfa WHERE user_id = $1 RETURNING confirmed_at) SELECT confirmed_at FROM gone',
      [userId],
    );
    return rows.some((r) => r.confirmed_at !== null);
  }

  async audit(
    tx: EntityManager,
    e: { userId: string; actorId: string; schoolId: string | null; regionId: string | null; action: MfaAuditAction },
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await tx.query(
      'INSERT INTO mfa_audit (user_id, actor_id, school_id, region_id, action) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [e.userId, e.actorId, e.schoolId, e.regionId, e.action],
    );
    return String(row.id);
  }

  /** Audit records of users in an admin's scope (their school, region, or all), newest first, keyset by id. */
  async auditForScope(scope: SchoolScope, filter: { userId?: string; before?: string }, limit: number): Promise<MfaAuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    switch (scope.kind) {
      case 'all':
        break;
      case 'region':
        where.push(`a.region_id = ${p(scope.regionId)}`);
        break;
      case 'school':
        where.push(`a.school_id = ${p(scope.schoolId)}`);
        break;
      default:
        return [];
    }
    if (filter.userId) where.push(`a.user_id = ${p(filter.userId)}`);
    if (filter.before) where.push(`a.id < ${p(filter.before)}`);
    return this.db.query(
      `SELECT a.id, a.user_id, a.actor_id, a.school_id, a.action, a.at FROM mfa_audit a
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${p(limit)}`,
      params,
    );
  }
}
