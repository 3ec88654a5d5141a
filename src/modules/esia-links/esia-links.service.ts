import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { mapConstraint } from '../../common/errors/db-constraint';
import { Page, page } from '../../common/pagination/page';
import { adminScope, scopeSql } from '../../access';
import { AdminEsiaLinkView, ListEsiaLinksQueryDto } from './dto/esia-links.dto';
import { EsiaLink } from './entities/esia-link.entity';
import { EsiaLinkMethod } from './esia-link-method';
import { EsiaLinksErrors } from './esia-links.errors';

export interface ActiveLink {
  id: string;
  userId: string;
  oid: string;
  linkedAt: Date;
  method: EsiaLinkMethod;
}

/** The only writer of `esia_links`: the oid ↔ diary user links and their revocation. */
@Injectable()
export class EsiaLinksService {
  constructor(@InjectRepository(EsiaLink) private readonly links: Repository<EsiaLink>) {}

  async activeByOid(oid: string): Promise<ActiveLink | null> {
    return this.links.findOne({
      where: { oid, revokedAt: IsNull() },
      select: { id: true, userId: true, oid: true, linkedAt: true, method: true },
    });
  }

  async activeByUser(userId: string): Promise<ActiveLink | null> {
    return this.links.findOne({
      where: { userId, revokedAt: IsNull() },
      select: { id: true, userId: true, oid: true, linkedAt: true, method: true },
    });
  }

  async hasActiveLink(userId: string): Promise<boolean> {
    return this.links.existsBy({ userId, revokedAt: IsNull() });
  }

  /**
   * Links an ESIA account to a user. The same pair again is a no-op; the oid linked to someone else,
   * or the user linked to another oid, is ESIA_ALREADY_LINKED (also when two requests race: the
   * partial unique indexes decide).
   */
  async link(userId: string, oid: string, method: EsiaLinkMethod): Promise<{ created: boolean }> {
    const [byOid, byUser] = await Promise.all([this.activeByOid(oid), this.activeByUser(userId)]);
    if (byOid && byOid.userId === userId) return { created: false };
    if (byOid || byUser) throw EsiaLinksErrors.alreadyLinked();
    await mapConstraint(() => this.links.insert({ userId, oid, method }), EsiaLinksErrors.alreadyLinked);
    return { created: true };
  }

  /** Ends the user's own active link. Returns false when there was none. */
  async revokeOwn(userId: string): Promise<boolean> {
    const res = await this.links.update(
      { userId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: 'user', revokedBy: userId },
    );
    return (res.affected ?? 0) > 0;
  }

  /** Ends an active link the admin may see; 404 otherwise. Returns the user whose link it was. */
  async revokeByAdmin(p: Principal, linkId: string): Promise<{ userId: string }> {
    const scope = this.scope(p);
    const rows: Array<{ user_id: string }> = await this.links
      .createQueryBuilder('l')
      .select('l.user_id', 'user_id')
      .innerJoin('users', 'u', 'u.id = l.user_id')
      .leftJoin('schools', 's', 's.id = u.school_id')
      .where('l.id = :linkId AND l.revoked_at IS NULL', { linkId })
      .andWhere(scope.sql, scope.params)
      .getRawMany();
    if (rows.length === 0) throw EsiaLinksErrors.linkNotFound();
    const res = await this.links.update(
      { id: linkId, revokedAt: IsNull() },
      { revokedAt: new Date(), revokedReason: 'admin', revokedBy: p.userId },
    );
    if (!res.affected) throw EsiaLinksErrors.linkNotFound(); // revoked meanwhile
    return { userId: rows[0].user_id };
  }

  /** Active links of the users in the admin's school/region (all for a platform admin), newest first. */
  async listForAdmin(p: Principal, q: ListEsiaLinksQueryDto): Promise<Page<AdminEsiaLinkView>> {
    const scope = this.scope(p);
    const qb = this.links
      .createQueryBuilder('l')
      .select(['l.id AS id', 'l.user_id AS user_id', 'l.linked_at AS linked_at', 'l.method AS method'])
      .addSelect([
        'u.login AS login',
        'u.last_name AS last_name',
        'u.first_name AS first_name',
        'u.middle_name AS middle_name',
        'u.school_id AS school_id',
      ])
      .innerJoin('users', 'u', 'u.id = l.user_id')
      .leftJoin('schools', 's', 's.id = u.school_id')
      .where('l.revoked_at IS NULL')
      .andWhere(scope.sql, scope.params);
    if (q.schoolId) qb.andWhere('u.school_id = :schoolId', { schoolId: q.schoolId });
    if (q.userId) qb.andWhere('l.user_id = :userId', { userId: q.userId });
    const [rows, total] = await Promise.all([
      qb.clone().orderBy('l.linked_at', 'DESC').addOrderBy('l.id', 'ASC').limit(q.limit).offset(q.offset).getRawMany(),
      qb.clone().getCount(),
    ]);
    const items = rows.map(
      (r: {
        id: string;
        user_id: string;
        linked_at: Date;
        method: EsiaLinkMethod;
        login: string;
        last_name: string;
        first_name: string;
        middle_name: string | null;
        school_id: string | null;
      }) => ({
        id: r.id,
        userId: r.user_id,
        login: r.login,
        lastName: r.last_name,
        firstName: r.first_name,
        middleName: r.middle_name,
        schoolId: r.school_id,
        linkedAt: new Date(r.linked_at).toISOString(),
        method: r.method,
      }),
    );
    return page(items, total, q);
  }

  /** Users of the admin's scope: through their school, or (region admins) by their own region. */
  private scope(p: Principal): { sql: string; params: Record<string, string> } {
    const s = adminScope(p);
    const sql = scopeSql(s, 's');
    return s.kind === 'region' ? { sql: `(${sql.sql} OR u.region_id = :scopeRegionId)`, params: sql.params } : sql;
  }
}
