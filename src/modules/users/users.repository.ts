import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Repository } from 'typeorm';
import { SqlCondition } from '../../access';
import { Role } from '../../common/auth/role';
import { ListUsersQueryDto } from './dto/users.dto';
import { Enrolment } from './entities/enrolment.entity';
import { ParentChild } from './entities/parent-child.entity';
import { User, UserStatus } from './entities/user.entity';

/**
 * Every query of the users module on users, enrolments and parent_children (the only writer of the three).
 * One style, the module's: TypeORM repositories and query builders; plain SQL only where a change must be one
 * atomic statement (lockout counters, the user's own new password, session epoch, roles). The `me` read, which also
 * reads schools' tables, is read-models/me.read-model.ts. A method that takes `tx` runs in the caller's transaction; the services open the transactions.
 */

/** What the login flow needs about an account, and nothing more. */
export interface LoginCandidate {
  id: string;
  login: string;
  passwordHash: string | null;
  status: UserStatus;
  lockedUntil: Date | null;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
  /** users.auth_version: what an access token issued now says it was issued at. */
  authVersion: number;
  /** users.session_epoch: the epoch a session opened now belongs to. */
  sessionEpoch: number;
}

/** What ESIA linking needs about a diary user. */
export interface UserIdentity {
  id: string;
  status: UserStatus;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string | null;
}

/** Roles and placement of a user. */
export interface UserBasic {
  id: string;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
}

/** The user row after the user's own new password was written. */
export interface OwnPasswordRow {
  auth_version: number;
  session_epoch: number;
  roles: Role[];
  school_id: string | null;
  region_id: string | null;
}

const LOGIN_CANDIDATE_COLUMNS = {
  id: true,
  login: true,
  passwordHash: true,
  status: true,
  lockedUntil: true,
  roles: true,
  schoolId: true,
  regionId: true,
  authVersion: true,
  sessionEpoch: true,
} as const;

@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Enrolment) private readonly enrolments: Repository<Enrolment>,
    @InjectRepository(ParentChild) private readonly parentChildren: Repository<ParentChild>,
  ) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // ---- users: reads ---------------------------------------------------------------------------

  findById(id: string): Promise<User> {
    return this.users.findOneByOrFail({ id });
  }

  findWithSchool(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id }, relations: { school: true } });
  }

  findManyWithSchool(tx: EntityManager, ids: string[]): Promise<User[]> {
    return tx.getRepository(User).find({ where: { id: In(ids) }, relations: { school: true } });
  }

  /** A page of users matching `scope` and the list filters, by name; with the total. */
  findPage(scope: SqlCondition, q: ListUsersQueryDto): Promise<[User[], number]> {
    const qb = this.users
      .createQueryBuilder('u')
      .leftJoin('u.school', 's')
      .where(scope.sql, scope.params)
      .orderBy('u.last_name', 'ASC')
      .addOrderBy('u.first_name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .take(q.limit)
      .skip(q.offset);
    if (q.schoolId) qb.andWhere('u.school_id = :schoolId', { schoolId: q.schoolId });
    if (q.role) qb.andWhere(':role = ANY(u.roles)', { role: q.role });
    if (q.classId) {
      qb.andWhere('EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = u.id AND e.class_id = :classId AND e.ended_at IS NULL)', {
        classId: q.classId,
      });
    }
    if (q.q?.trim()) {
      const term = `%${q.q
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(lower(u.last_name) LIKE :term OR lower(u.first_name) LIKE :term OR u.login LIKE :term)', { term });
    }
    return qb.getManyAndCount();
  }

  /** The student `studentId` with their school, if `visible` (a policy condition on alias `u`) holds. */
  findStudentWithSchool(studentId: string, visible: SqlCondition): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.school', 's')
      .where('u.id = :studentId', { studentId })
      .andWhere(':student = ANY(u.roles)', { student: Role.Student })
      .andWhere(visible.sql, visible.params)
      .getOne();
  }

  async findLoginCandidate(login: string): Promise<LoginCandidate | null> {
    const user = await this.users.findOne({ where: { login }, select: LOGIN_CANDIDATE_COLUMNS });
    return user ?? null;
  }

  async findLoginCandidateById(id: string): Promise<LoginCandidate | null> {
    const user = await this.users.findOne({ where: { id }, select: LOGIN_CANDIDATE_COLUMNS });
    return user ?? null;
  }

  findIdentity(id: string): Promise<UserIdentity | null> {
    return this.users.findOne({
      where: { id },
      select: {
        id: true,
        status: true,
        roles: true,
        schoolId: true,
        regionId: true,
        lastName: true,
        firstName: true,
        middleName: true,
        birthDate: true,
      },
    });
  }

  findBasic(id: string): Promise<UserBasic | null> {
    return this.users.findOne({ where: { id }, select: { id: true, roles: true, schoolId: true, regionId: true } });
  }

  async findIdBySnilsHash(snilsHash: string): Promise<string | null> {
    const user = await this.users.findOne({ where: { snilsHash }, select: { id: true } });
    return user?.id ?? null;
  }

  async findSnilsEncrypted(userId: string): Promise<Buffer | null> {
    const row = await this.users.findOne({ where: { id: userId }, select: { id: true, snilsEncrypted: true } });
    return row?.snilsEncrypted ?? null;
  }

  platformAdminExists(): Promise<boolean> {
    return this.users.createQueryBuilder('u').where(':role = ANY(u.roles)', { role: Role.PlatformAdmin }).getExists();
  }

  // ---- users: writes --------------------------------------------------------------------------

  async insert(values: Partial<User>): Promise<void> {
    await this.users.insert(values);
  }

  /** Inserts a user in `tx` and returns the saved row. */
  save(tx: EntityManager, values: Partial<User>): Promise<User> {
    return tx.getRepository(User).save(tx.getRepository(User).create(values));
  }

  async update(tx: EntityManager | undefined, id: string, patch: Partial<User>): Promise<void> {
    await (tx ? tx.getRepository(User) : this.users).update({ id }, patch);
  }

  /**
   * The user's own new password, failures and lock cleared, if the account is active; the row after the change
   * (the trigger has moved auth_version and session_epoch), or undefined.
   */
  async setOwnPassword(tx: EntityManager, userId: string, passwordHash: string): Promise<OwnPasswordRow | undefined> {
    const [row] = await tx.query(
      `WITH changed AS (
         UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'active'
         RETURNING auth_version, session_epoch, roles, school_id, region_id)
       SELECT auth_version, session_epoch, roles, school_id, region_id FROM changed`,
      [userId, passwordHash],
    );
    return row;
  }

  async bumpSessionEpoch(tx: EntityManager | undefined, userId: string): Promise<void> {
    await (tx ?? this.db.manager).query('UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1', [userId]);
  }

  /**
   * Counts a failed password in one atomic statement; failure number `maxFailures` locks the account for
   * `lockMinutes` and restarts the count. Returns locked_until after the change.
   */
  async countFailedLogin(tx: EntityManager | undefined, userId: string, maxFailures: number, lockMinutes: number): Promise<Date | null> {
    // WITH … SELECT so the driver returns plain rows (a bare UPDATE … RETURNING comes back as [rows, count]).
    const rows: Array<{ locked_until: Date | null }> = await (tx ?? this.db).query(
      `WITH changed AS (
         UPDATE users
            SET failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
                locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
          WHERE id = $1
         RETURNING locked_until)
       SELECT locked_until FROM changed`,
      [userId, maxFailures, lockMinutes],
    );
    return rows[0]?.locked_until ?? null;
  }

  /** Clears failures and lock, writing only when there is something to clear. */
  async clearFailedLogins(userId: string): Promise<void> {
    await this.db.query(
      'UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1 AND (failed_login_count <> 0 OR locked_until IS NOT NULL)',
      [userId],
    );
  }

  async addRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await (tx ?? this.db.manager).query('UPDATE users SET roles = array_append(roles, $2) WHERE id = $1 AND NOT ($2 = ANY(roles))', [
      userId,
      role,
    ]);
  }

  /** Removes a role unless it is the user's last one. */
  async removeRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await (tx ?? this.db.manager).query('UPDATE users SET roles = array_remove(roles, $2) WHERE id = $1 AND cardinality(roles) > 1', [
      userId,
      role,
    ]);
  }

  // ---- enrolments and parent_children ---------------------------------------------------------

  async enrol(tx: EntityManager, studentId: string, classId: string): Promise<void> {
    await tx.getRepository(Enrolment).insert({ studentId, classId });
  }

  async endCurrentEnrolment(tx: EntityManager, studentId: string): Promise<void> {
    await tx.getRepository(Enrolment).update({ studentId, endedAt: IsNull() }, { endedAt: new Date() });
  }

  /** Current enrolments of the students, with their classes. */
  currentEnrolments(studentIds: string[]): Promise<Enrolment[]> {
    return this.enrolments.find({ where: { studentId: In(studentIds), endedAt: IsNull() }, relations: { schoolClass: true } });
  }

  /** Links the children to the parent; links already there are kept. */
  async linkChildren(tx: EntityManager, parentId: string, childIds: string[]): Promise<void> {
    await tx
      .getRepository(ParentChild)
      .createQueryBuilder()
      .insert()
      .values(childIds.map((childId) => ({ parentId, childId })))
      .orIgnore()
      .execute();
  }

  /** Removes one link; false when there was none. */
  async unlinkChild(parentId: string, childId: string): Promise<boolean> {
    const res = await this.parentChildren.delete({ parentId, childId });
    return !!res.affected;
  }

  childLinks(parentIds: string[]): Promise<Array<{ parentId: string; childId: string }>> {
    return this.parentChildren.find({ where: { parentId: In(parentIds) }, select: { parentId: true, childId: true } });
  }
}
