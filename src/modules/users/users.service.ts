import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { ALL_ROLES, Role } from '../../common/auth/role';
import { validationFailed } from '../../common/errors/app-error';
import { mapConstraint, pgErrorCode } from '../../common/errors/db-constraint';
import { Page, page } from '../../common/pagination/page';
import { PASSWORD_PROBLEM_MESSAGES, passwordProblem } from '../../common/validation/password';
import { normalizeSnils } from '../../common/validation/snils';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PiiCryptoService } from '../../core/crypto/pii-crypto.service';
import { queryPrepared } from '../../core/database/prepared';
import { AccessChangePublisher } from './access-change.publisher';
import { adminScope, SchoolScope, scopeAllowsSchool, scopeSql, visibleStudentSql } from '../../access';
import { SchoolsService } from '../schools/schools.service';
import {
  ChildView,
  ClassRef,
  CreateUserDto,
  ListUsersQueryDto,
  MeView,
  SchoolRef,
  StudentProfileView,
  UpdateUserDto,
  UserView,
} from './dto/users.dto';
import { Enrolment } from './entities/enrolment.entity';
import { ParentChild } from './entities/parent-child.entity';
import { User, UserStatus } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { UsersErrors } from './users.errors';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

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

/** What a new password of the user's own changed (the user row after the change). */
export interface OwnPasswordChange {
  authVersion: number;
  /** The new session epoch: one more than before the change (the trigger moves it by one for a new password). */
  sessionEpoch: number;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
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

/** Refuses a new password that breaks the rule (common/validation/password.ts) as a validation error of `field`. */
export function ensureGoodPassword(password: string, login: string, field: string): void {
  const problem = passwordProblem(password, login);
  if (problem) throw validationFailed([{ field, code: 'isDiaryPassword', message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
}

const SCHOOL_ROLES: readonly Role[] = [Role.Student, Role.Parent, Role.Teacher, Role.ClassTeacher, Role.SchoolAdmin];

/** Roles each kind of administrator may hand out. */
function assignableRoles(scope: SchoolScope): readonly Role[] {
  switch (scope.kind) {
    case 'all':
      return ALL_ROLES;
    case 'region':
      return ALL_ROLES.filter((r) => r !== Role.PlatformAdmin);
    case 'school':
      return SCHOOL_ROLES;
    default:
      return [];
  }
}

const snilsAad = (userId: string): string => `users.snils:${userId}`;

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Enrolment) private readonly enrolments: Repository<Enrolment>,
    @InjectRepository(ParentChild) private readonly parentChildren: Repository<ParentChild>,
    private readonly schools: SchoolsService,
    private readonly hasher: PasswordHasher,
    private readonly pii: PiiCryptoService,
    private readonly accessChanges: AccessChangePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the first platform admin from BOOTSTRAP_ADMIN_* when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrapAdminLogin || !this.config.bootstrapAdminPassword) return;
    const exists = await this.users.createQueryBuilder('u').where(':role = ANY(u.roles)', { role: Role.PlatformAdmin }).getExists();
    if (exists) return;
    try {
      await this.users.insert({
        login: this.config.bootstrapAdminLogin.toLowerCase(),
        passwordHash: await this.hasher.hash(this.config.bootstrapAdminPassword),
        roles: [Role.PlatformAdmin],
        lastName: 'Администратор',
        firstName: 'Платформы',
        middleName: null,
        birthDate: null,
      });
      this.logger.log(`Created the bootstrap platform admin "${this.config.bootstrapAdminLogin.toLowerCase()}"`);
    } catch (e) {
      if (pgErrorCode(e) !== '23505') throw e; // another instance created it first, or the login is taken
      this.logger.warn('Bootstrap admin not created: the login is already taken');
    }
  }

  // ---- administration ------------------------------------------------------------------------

  async create(p: Principal, dto: CreateUserDto): Promise<UserView> {
    const scope = adminScope(p);
    const forbiddenRoles = dto.roles.filter((r) => !assignableRoles(scope).includes(r));
    if (forbiddenRoles.length) throw UsersErrors.roleNotAllowed(forbiddenRoles);
    const placement = await this.resolvePlacement(p, scope, dto.roles, dto.schoolId, dto.regionId);
    if (dto.classId !== undefined) await this.checkClass(dto.roles, placement.schoolId, dto.classId);
    if (dto.childIds?.length && !dto.roles.includes(Role.Parent))
      throw UsersErrors.invalidSetup('childIds', 'Детей можно указать только у родителя');
    const snils = dto.snils !== undefined ? normalizeSnils(dto.snils) : undefined;
    const passwordHash = await this.hasher.hash(dto.password);

    const id = await this.db.transaction(async (tx) => {
      const user = await mapConstraint(
        () =>
          tx.getRepository(User).save(
            tx.getRepository(User).create({
              login: dto.login,
              passwordHash,
              roles: dto.roles,
              lastName: dto.lastName,
              firstName: dto.firstName,
              middleName: dto.middleName ?? null,
              birthDate: dto.birthDate,
              schoolId: placement.schoolId,
              regionId: placement.regionId,
            }),
          ),
        UsersErrors.loginTaken,
      );
      if (snils !== undefined) await this.writeSnils(tx, user.id, snils);
      if (dto.classId) await tx.getRepository(Enrolment).insert({ studentId: user.id, classId: dto.classId });
      if (dto.childIds?.length) await this.linkChildren(tx, scope, user.id, dto.childIds);
      return user.id;
    });
    return this.view(id);
  }

  async list(p: Principal, q: ListUsersQueryDto): Promise<Page<UserView>> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.users
      .createQueryBuilder('u')
      .leftJoin('u.school', 's')
      .where(adminScope(p).kind === 'region' ? `(${scope.sql} OR u.region_id = :scopeRegionId)` : scope.sql, scope.params)
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
    const [rows, total] = await qb.getManyAndCount();
    return page(await this.views(rows), total, q);
  }

  async get(p: Principal, id: string): Promise<UserView> {
    await this.userInScope(p, id);
    return this.view(id);
  }

  async update(p: Principal, id: string, dto: UpdateUserDto): Promise<UserView> {
    const scope = adminScope(p);
    const user = await this.userInScope(p, id);
    if (dto.roles) {
      const forbiddenRoles = [...dto.roles, ...user.roles].filter((r) => !assignableRoles(scope).includes(r));
      if (forbiddenRoles.length) throw UsersErrors.roleNotAllowed([...new Set(forbiddenRoles)]);
      if (dto.roles.some((r) => SCHOOL_ROLES.includes(r)) && !user.schoolId) {
        throw UsersErrors.invalidSetup('roles', 'Для этих ролей пользователь должен быть привязан к школе');
      }
    }
    const roles = dto.roles ?? user.roles;
    if (dto.classId) await this.checkClass(roles, user.schoolId, dto.classId);
    if (p.userId === id && dto.status === UserStatus.Blocked) throw UsersErrors.invalidSetup('status', 'Нельзя заблокировать самого себя');

    await this.db.transaction(async (tx) => {
      const patch: Partial<User> = {};
      if (dto.lastName !== undefined) patch.lastName = dto.lastName;
      if (dto.firstName !== undefined) patch.firstName = dto.firstName;
      if (dto.middleName !== undefined) patch.middleName = dto.middleName;
      if (dto.birthDate !== undefined) patch.birthDate = dto.birthDate;
      if (dto.roles !== undefined) patch.roles = dto.roles;
      if (dto.status !== undefined) patch.status = dto.status;
      if (Object.keys(patch).length) await tx.getRepository(User).update({ id }, patch);
      if (dto.snils !== undefined) await this.writeSnils(tx, id, dto.snils === null ? null : normalizeSnils(dto.snils));
      if (dto.classId !== undefined) {
        await tx.getRepository(Enrolment).update({ studentId: id, endedAt: IsNull() }, { endedAt: new Date() });
        if (dto.classId !== null) await tx.getRepository(Enrolment).insert({ studentId: id, classId: dto.classId });
      }
      // Roles re-scope the user's sessions, a status other than active ends them (trigger + SessionCheck).
      if (patch.roles !== undefined || patch.status !== undefined) await this.accessChanges.changed(tx, [id]);
    });
    return this.view(id);
  }

  /** An admin sets a new password: every session of the user ends (the trigger moves the session epoch). */
  async setPassword(p: Principal, id: string, password: string): Promise<void> {
    const user = await this.userInScope(p, id);
    ensureGoodPassword(password, user.login, 'password');
    await this.users.update({ id }, { passwordHash: await this.hasher.hash(password), failedLoginCount: 0, lockedUntil: null });
    await this.accessChanges.changed(undefined, [id]);
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
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `WITH changed AS (
           UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL, updated_at = now()
            WHERE id = $1 AND status = 'active'
           RETURNING auth_version, session_epoch, roles, school_id, region_id)
         SELECT auth_version, session_epoch, roles, school_id, region_id FROM changed`,
        [userId, passwordHash],
      );
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
    await (tx ?? this.db.manager).query('UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1', [userId]);
    await this.accessChanges.changed(tx, [userId]);
  }

  async unlock(p: Principal, id: string): Promise<UserView> {
    await this.userInScope(p, id);
    await this.users.update({ id }, { failedLoginCount: 0, lockedUntil: null });
    return this.view(id);
  }

  async addChild(p: Principal, parentId: string, childId: string): Promise<UserView> {
    const parent = await this.userInScope(p, parentId);
    if (!parent.roles.includes(Role.Parent)) throw UsersErrors.invalidSetup('childId', 'Детей можно привязать только к родителю');
    await this.db.transaction((tx) => this.linkChildren(tx, adminScope(p), parentId, [childId]));
    return this.view(parentId);
  }

  async removeChild(p: Principal, parentId: string, childId: string): Promise<UserView> {
    await this.userInScope(p, parentId);
    const res = await this.parentChildren.delete({ parentId, childId });
    if (!res.affected) throw UsersErrors.childNotFound(childId);
    return this.view(parentId);
  }

  /** The user if the caller administers their school (or region); otherwise 404. */
  async userInScope(p: Principal, id: string): Promise<User> {
    const scope = adminScope(p);
    const user = await this.users.findOne({ where: { id }, relations: { school: true } });
    if (!user) throw UsersErrors.notFound();
    const allowed =
      scope.kind === 'all' ||
      (user.school ? scopeAllowsSchool(scope, user.school) : scope.kind === 'region' && user.regionId === scope.regionId);
    if (!allowed) throw UsersErrors.notFound();
    return user;
  }

  // ---- reads for the signed-in user ----------------------------------------------------------

  /** One prepared statement: the first read of every app start. */
  async me(userId: string): Promise<MeView> {
    const [row] = await queryPrepared<Omit<MeView, 'children'> & { children: ChildView[] }>(this.db, ME_SQL, [userId]);
    if (!row) throw UsersErrors.notFound();
    return { ...row, children: row.children.sort((a, b) => a.firstName.localeCompare(b.firstName, 'ru')) };
  }

  /** A student's card for someone allowed to see it (self, parent, their teacher, admin); otherwise 404. */
  async studentProfile(p: Principal, studentId: string): Promise<StudentProfileView> {
    const visible = visibleStudentSql(p, 'u');
    const user = await this.users
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.school', 's')
      .where('u.id = :studentId', { studentId })
      .andWhere(':student = ANY(u.roles)', { student: Role.Student })
      .andWhere(visible.sql, visible.params)
      .getOne();
    if (!user) throw UsersErrors.notFound();
    const [cls] = await this.currentClasses([user.id]);
    return { ...toPersonRef(user), class: cls?.class ?? null, school: user.school ? toSchoolRef(user.school) : null };
  }

  // ---- the login flow (called by the auth module) --------------------------------------------

  async findLoginCandidate(login: string): Promise<LoginCandidate | null> {
    const user = await this.users.findOne({
      where: { login: login.trim().toLowerCase() },
      select: LOGIN_CANDIDATE_COLUMNS,
    });
    return user ?? null;
  }

  async findLoginCandidateById(id: string): Promise<LoginCandidate | null> {
    const user = await this.users.findOne({
      where: { id },
      select: LOGIN_CANDIDATE_COLUMNS,
    });
    return user ?? null;
  }

  verifyPassword(password: string, hash: string | null): Promise<boolean> {
    return this.hasher.verify(password, hash);
  }

  /**
   * Counts a failed password in one atomic statement; the fifth in a row locks the account
   * for LOCK_MINUTES and restarts the count. Returns the lock end if the account is now locked.
   * `tx`: the caller's transaction (auth writes the lockout alert to the outbox in the same one).
   */
  async registerFailedLogin(userId: string, tx?: EntityManager): Promise<Date | null> {
    // WITH … SELECT so the driver returns plain rows (a bare UPDATE … RETURNING comes back as [rows, count]).
    const rows: Array<{ locked_until: Date | null }> = await (tx ?? this.db).query(
      `WITH changed AS (
         UPDATE users
            SET failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
                locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
          WHERE id = $1
         RETURNING locked_until)
       SELECT locked_until FROM changed`,
      [userId, MAX_FAILED_LOGINS, LOCK_MINUTES],
    );
    const until = rows[0]?.locked_until ?? null;
    return until && until.getTime() > Date.now() ? until : null;
  }

  async registerSuccessfulLogin(userId: string): Promise<void> {
    await this.db.query(
      'UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1 AND (failed_login_count <> 0 OR locked_until IS NOT NULL)',
      [userId],
    );
  }

  /** FIO, birth date, status, roles and placement: what ESIA linking compares and checks (no SNILS). */
  async findIdentity(id: string): Promise<UserIdentity | null> {
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

  /** Roles and placement of a user, for other modules' checks. */
  async findBasic(id: string): Promise<{ id: string; roles: Role[]; schoolId: string | null; regionId: string | null } | null> {
    return this.users.findOne({ where: { id }, select: { id: true, roles: true, schoolId: true, regionId: true } });
  }

  /** Adds a role if the user lacks it (one statement, safe to repeat). Open sessions get it on their next request. */
  async grantRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await (tx ?? this.db.manager).query('UPDATE users SET roles = array_append(roles, $2) WHERE id = $1 AND NOT ($2 = ANY(roles))', [
      userId,
      role,
    ]);
    await this.accessChanges.changed(tx, [userId]);
  }

  /** Removes a role, keeping at least one. Open sessions lose it on their next request. */
  async revokeRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await (tx ?? this.db.manager).query('UPDATE users SET roles = array_remove(roles, $2) WHERE id = $1 AND cardinality(roles) > 1', [
      userId,
      role,
    ]);
    await this.accessChanges.changed(tx, [userId]);
  }

  // ---- internals -----------------------------------------------------------------------------

  private async resolvePlacement(
    p: Principal,
    scope: SchoolScope,
    roles: Role[],
    schoolId: string | undefined,
    regionId: string | undefined,
  ): Promise<{ schoolId: string | null; regionId: string | null }> {
    const needsSchool = roles.some((r) => SCHOOL_ROLES.includes(r));
    if (needsSchool) {
      if (!schoolId) throw UsersErrors.invalidSetup('schoolId', 'Укажите школу');
      const school = await this.schools.schoolInAdminScope(scope, schoolId);
      return { schoolId: school.id, regionId: school.regionId };
    }
    if (schoolId) throw UsersErrors.invalidSetup('schoolId', 'Школа указывается только для учеников, родителей и сотрудников школы');
    if (roles.includes(Role.RegionAdmin)) {
      const target = regionId ?? (scope.kind === 'region' ? scope.regionId : undefined);
      if (!target) throw UsersErrors.invalidSetup('regionId', 'Укажите регион администратора');
      const region = await this.schools.regionInScope(p, target, true);
      return { schoolId: null, regionId: region.id };
    }
    return { schoolId: null, regionId: null };
  }

  private async checkClass(roles: Role[], schoolId: string | null, classId: string): Promise<void> {
    if (!roles.includes(Role.Student)) throw UsersErrors.invalidSetup('classId', 'Класс указывается только для ученика');
    const cls = await this.schools.findClass(classId);
    if (!cls || cls.schoolId !== schoolId) throw UsersErrors.invalidSetup('classId', 'Класс не найден в этой школе');
  }

  private async writeSnils(tx: EntityManager, userId: string, snils: string | null): Promise<void> {
    await mapConstraint(
      () =>
        tx
          .getRepository(User)
          .update(
            { id: userId },
            snils === null
              ? { snilsEncrypted: null, snilsHash: null }
              : { snilsEncrypted: this.pii.encrypt(snils, snilsAad(userId)), snilsHash: this.pii.lookupHash('snils', snils) },
          ),
      UsersErrors.snilsTaken,
    );
  }

  private async linkChildren(tx: EntityManager, scope: SchoolScope, parentId: string, childIds: string[]): Promise<void> {
    const children = await tx.getRepository(User).find({ where: { id: In(childIds) }, relations: { school: true } });
    for (const childId of childIds) {
      const child = children.find((c) => c.id === childId);
      if (!child || !child.roles.includes(Role.Student) || !child.school || !scopeAllowsSchool(scope, child.school)) {
        throw UsersErrors.childNotFound(childId);
      }
    }
    await tx
      .getRepository(ParentChild)
      .createQueryBuilder()
      .insert()
      .values(childIds.map((childId) => ({ parentId, childId })))
      .orIgnore()
      .execute();
  }

  /** Finds the SNILS owner by keyed hash (exact match only). */
  async findIdBySnils(snils: string): Promise<string | null> {
    const user = await this.users.findOne({
      where: { snilsHash: this.pii.lookupHash('snils', normalizeSnils(snils)) },
      select: { id: true },
    });
    return user?.id ?? null;
  }

  /** Decrypts a user's SNILS for a use case that needs it (never for display or logs). */
  async readSnils(userId: string): Promise<string | null> {
    const row = await this.users.findOne({ where: { id: userId }, select: { id: true, snilsEncrypted: true } });
    return row?.snilsEncrypted ? this.pii.decrypt(row.snilsEncrypted, snilsAad(userId)) : null;
  }

  private async view(id: string): Promise<UserView> {
    const user = await this.users.findOneByOrFail({ id });
    const [v] = await this.views([user]);
    return v;
  }

  /** Views for a page of users in three queries whatever the page size. */
  private async views(users: User[]): Promise<UserView[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [classes, links] = await Promise.all([
      this.currentClasses(ids),
      this.parentChildren.find({ where: { parentId: In(ids) }, select: { parentId: true, childId: true } }),
    ]);
    return users.map((u) => ({
      id: u.id,
      login: u.login,
      lastName: u.lastName,
      firstName: u.firstName,
      middleName: u.middleName,
      birthDate: u.birthDate,
      roles: u.roles,
      status: u.status,
      schoolId: u.schoolId,
      regionId: u.regionId,
      classId: classes.find((c) => c.studentId === u.id)?.class.id ?? null,
      childIds: links.filter((l) => l.parentId === u.id).map((l) => l.childId),
      hasSnils: u.snilsHash !== null,
      lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
    }));
  }

  private async currentClasses(studentIds: string[]): Promise<Array<{ studentId: string; class: ClassRef }>> {
    if (studentIds.length === 0) return [];
    const rows = await this.enrolments.find({
      where: { studentId: In(studentIds), endedAt: IsNull() },
      relations: { schoolClass: true },
    });
    return rows.map((e) => ({
      studentId: e.studentId,
      class: { id: e.schoolClass!.id, name: e.schoolClass!.name, academicYear: e.schoolClass!.academicYear },
    }));
  }
}

const SCHOOL_JSON = (s: string) =>
  `CASE WHEN ${s}.id IS NULL THEN NULL ELSE json_build_object('id', ${s}.id, 'name', ${s}.name, 'regionId', ${s}.region_id) END`;
const CLASS_JSON = (student: string) => `(SELECT json_build_object('id', c.id, 'name', c.name, 'academicYear', c.academic_year)
   FROM enrolments e JOIN classes c ON c.id = e.class_id WHERE e.student_id = ${student} AND e.ended_at IS NULL)`;
const ME_SQL = `
  SELECT u.id, u.login, u.last_name AS "lastName", u.first_name AS "firstName", u.middle_name AS "middleName",
         to_char(u.birth_date, 'YYYY-MM-DD') AS "birthDate", u.roles, ${SCHOOL_JSON('s')} AS school, u.region_id AS "regionId",
         ${CLASS_JSON('u.id')} AS class,
         COALESCE((SELECT json_agg(json_build_object('id', ch.id, 'lastName', ch.last_name, 'firstName', ch.first_name, 'middleName', ch.middle_name,
                                                     'class', ${CLASS_JSON('ch.id')}, 'school', ${SCHOOL_JSON('cs')}))
                     FROM parent_children pc JOIN users ch ON ch.id = pc.child_id LEFT JOIN schools cs ON cs.id = ch.school_id
                    WHERE pc.parent_id = u.id AND 'parent' = ANY(u.roles)), '[]'::json) AS children
    FROM users u LEFT JOIN schools s ON s.id = u.school_id
   WHERE u.id = $1`;

const toPersonRef = (u: User) => ({ id: u.id, lastName: u.lastName, firstName: u.firstName, middleName: u.middleName });
const toSchoolRef = (s: { id: string; name: string; regionId: string }): SchoolRef => ({ id: s.id, name: s.name, regionId: s.regionId });
