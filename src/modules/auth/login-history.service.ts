import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { adminScope, scopeSql } from '../../access';
import { LoginAttempt, LoginOutcome } from './entities/login-attempt.entity';
import { AuthMethod } from './entities/session.entity';
import { ClientInfo } from './sessions.service';

export interface LoginAttemptView {
  id: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
  method: AuthMethod;
  outcome: LoginOutcome;
  reason: string;
  userId?: string | null;
}

export interface HistoryPage {
  items: LoginAttemptView[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

export const CSV_EXPORT_LIMIT = 10_000;

@Injectable()
export class LoginHistoryService {
  constructor(@InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>) {}

  async record(
    entry: {
      userId: string | null;
      schoolId: string | null;
      method: AuthMethod;
      outcome: LoginOutcome;
      reason: string;
      client: ClientInfo;
    },
    manager?: EntityManager,
  ): Promise<void> {
    await (manager?.getRepository(LoginAttempt) ?? this.attempts).insert({
      userId: entry.userId,
      schoolId: entry.schoolId,
      method: entry.method,
      outcome: entry.outcome,
      reason: entry.reason,
      ip: entry.client.ip,
      userAgent: entry.client.userAgent?.slice(0, 500) ?? null,
    });
  }

  /**
   * Whether the user signed in successfully before at all (within the retention), and whether from this
   * device within the last `days`: the same user agent and the same network (IPv4 /24, IPv6 /48), so a
   * new address from the provider's pool is not a new device but another browser or computer is.
   */
  async deviceHistory(
    userId: string,
    client: ClientInfo,
    days: number,
    manager?: EntityManager,
  ): Promise<{ signedInBefore: boolean; knownDevice: boolean }> {
    const prefix = (x: string): string => `network(set_masklen(${x}, CASE family(${x}) WHEN 4 THEN 24 ELSE 48 END))`;
    const [row]: Array<{ before: boolean; known: boolean }> = await (manager ?? this.attempts.manager).query(
      `SELECT EXISTS (SELECT 1 FROM login_attempts WHERE user_id = $1 AND outcome = 'success') AS before,
              EXISTS (SELECT 1 FROM login_attempts
                       WHERE user_id = $1 AND outcome = 'success' AND at > now() - make_interval(days => $2)
                         AND user_agent IS NOT DISTINCT FROM $3
                         AND (ip IS NOT DISTINCT FROM $4::inet OR ${prefix('ip')} = ${prefix('$4::inet')})) AS known`,
      [userId, days, client.userAgent?.slice(0, 500) ?? null, client.ip],
    );
    return { signedInBefore: row.before, knownDevice: row.known };
  }

  /** Own history, newest first, keyset-paginated by id. */
  async forUser(userId: string, limit: number, before?: string): Promise<HistoryPage> {
    const qb = this.attempts.createQueryBuilder('a').where('a.user_id = :userId', { userId });
    return this.pageOf(qb, limit, before, false);
  }

  /** History of the users an admin manages (their school or region). */
  async forAdmin(p: Principal, limit: number, filter: { userId?: string; schoolId?: string; before?: string }): Promise<HistoryPage> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.attempts.createQueryBuilder('a');
    if (adminScope(p).kind !== 'all') {
      qb.innerJoin('schools', 's', 's.id = a.school_id').where(scope.sql, scope.params);
    }
    if (filter.userId) qb.andWhere('a.user_id = :userId', { userId: filter.userId });
    if (filter.schoolId) qb.andWhere('a.school_id = :schoolId', { schoolId: filter.schoolId });
    return this.pageOf(qb, limit, filter.before, true);
  }

  async purgeOlderThan(days: number): Promise<number> {
    const res = await this.attempts.createQueryBuilder().delete().where('at < now() - make_interval(days => :days)', { days }).execute();
    return res.affected ?? 0;
  }

  private async pageOf(
    qb: ReturnType<Repository<LoginAttempt>['createQueryBuilder']>,
    limit: number,
    before: string | undefined,
    withUser: boolean,
  ): Promise<HistoryPage> {
    if (before) qb.andWhere('a.id < :before', { before });
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .take(limit + 1)
      .getMany();
    const items = rows.slice(0, limit).map((a) => toView(a, withUser));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}

const toView = (a: LoginAttempt, withUser: boolean): LoginAttemptView => ({
  id: String(a.id),
  at: a.at.toISOString(),
  ip: a.ip,
  userAgent: a.userAgent,
  method: a.method,
  outcome: a.outcome,
  reason: a.reason,
  ...(withUser ? { userId: a.userId } : {}),
});

const METHOD_RU: Record<AuthMethod, string> = { password: 'Пароль', esia: 'Госуслуги' };
const OUTCOME_RU: Record<LoginOutcome, string> = { success: 'Успешно', failure: 'Отказ', pending: 'Запрошен второй фактор' };

/** CSV for Russian spreadsheets: UTF-8 with BOM, semicolon-separated, quoted where needed. */
export function loginHistoryCsv(items: LoginAttemptView[], withUser = false): string {
  const esc = (v: string | null): string => {
    // A leading = + - @ would make a spreadsheet run the cell as a formula: neutralise it.
    const s = /^[=+\-@\t\r]/.test(v ?? '') ? `'${v}` : (v ?? '');
    return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ['Дата и время (UTC)', 'IP-адрес', 'Устройство', 'Способ входа', 'Результат', 'Причина'];
  const lines = [(withUser ? ['Пользователь (id)', ...head] : head).join(';')];
  for (const i of items) {
    const cells = [i.at, i.ip, i.userAgent, METHOD_RU[i.method], OUTCOME_RU[i.outcome], i.reason];
    lines.push((withUser ? [i.userId ?? null, ...cells] : cells).map(esc).join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
