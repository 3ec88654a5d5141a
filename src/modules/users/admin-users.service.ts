import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { Role, SCHOOL_ROLES } from '../../common/auth/role';
import { mapConstraint } from '../../common/errors/db-constraint';
import { Page, page } from '../../common/pagination/page';
import { adminScope, assignableRoles, SchoolScope, userAdministeredBy, userAdministeredSql } from '../../access';
import { SchoolsService } from '../schools/schools.service';
import { AccessChangePublisher } from './access-change.publisher';
import { CredentialsService } from './credentials.service';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserView } from './dto/users.dto';
import { User, UserStatus } from './entities/user.entity';
import { PersonalDataService } from './personal-data.service';
import { UserViewsService } from './user-views.service';
import { UsersErrors } from './users.errors';
import { UsersRepository } from './users.repository';

/**
 * Users as administrators manage them (`/admin/users`): create, list, edit, block, set a password, unlock, and
 * the enrolments and parent–child links that go with a user, each within the caller's school or region
 * (docs/domain.md §1). Passwords go through CredentialsService, SNILS through PersonalDataService.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly schools: SchoolsService,
    private readonly credentials: CredentialsService,
    private readonly personalData: PersonalDataService,
    private readonly views: UserViewsService,
    private readonly accessChanges: AccessChangePublisher,
  ) {}

  async create(p: Principal, dto: CreateUserDto): Promise<UserView> {
    const scope = adminScope(p);
    const forbiddenRoles = dto.roles.filter((r) => !assignableRoles(scope).includes(r));
    if (forbiddenRoles.length) throw UsersErrors.roleNotAllowed(forbiddenRoles);
    const placement = await this.resolvePlacement(p, scope, dto.roles, dto.schoolId, dto.regionId);
    if (dto.classId !== undefined) await this.checkClass(dto.roles, placement.schoolId, dto.classId);
    if (dto.childIds?.length && !dto.roles.includes(Role.Parent))
      throw UsersErrors.invalidSetup('childIds', 'Детей можно указать только у родителя');
    const passwordHash = await this.credentials.hashPassword(dto.password);

    const id = await this.repo.transaction(async (tx) => {
      const user = await mapConstraint(
        () =>
          this.repo.save(tx, {
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
        UsersErrors.loginTaken,
      );
      if (dto.snils !== undefined) await this.personalData.writeSnils(tx, user.id, dto.snils);
      if (dto.classId) await this.repo.enrol(tx, user.id, dto.classId);
      if (dto.childIds?.length) await this.linkChildren(tx, p, user.id, dto.childIds);
      return user.id;
    });
    return this.views.view(id);
  }

  async list(p: Principal, q: ListUsersQueryDto): Promise<Page<UserView>> {
    const [rows, total] = await this.repo.findPage(userAdministeredSql(p, 'u', 's'), q);
    return page(await this.views.views(rows), total, q);
  }

  async get(p: Principal, id: string): Promise<UserView> {
    await this.userInScope(p, id);
    return this.views.view(id);
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

    await this.repo.transaction(async (tx) => {
      const patch: Partial<User> = {};
      if (dto.lastName !== undefined) patch.lastName = dto.lastName;
      if (dto.firstName !== undefined) patch.firstName = dto.firstName;
      if (dto.middleName !== undefined) patch.middleName = dto.middleName;
      if (dto.birthDate !== undefined) patch.birthDate = dto.birthDate;
      if (dto.roles !== undefined) patch.roles = dto.roles;
      if (dto.status !== undefined) patch.status = dto.status;
      if (Object.keys(patch).length) await this.repo.update(tx, id, patch);
      if (dto.snils !== undefined) await this.personalData.writeSnils(tx, id, dto.snils);
      if (dto.classId !== undefined) {
        await this.repo.endCurrentEnrolment(tx, id);
        if (dto.classId !== null) await this.repo.enrol(tx, id, dto.classId);
      }
      // Roles re-scope the user's sessions, a status other than active ends them (trigger + SessionCheck).
      if (patch.roles !== undefined || patch.status !== undefined) await this.accessChanges.changed(tx, [id]);
    });
    return this.views.view(id);
  }

  /** An admin sets a new password: every session of the user ends (the trigger moves the session epoch). */
  async setPassword(p: Principal, id: string, password: string): Promise<void> {
    const user = await this.userInScope(p, id);
    await this.credentials.resetPassword(id, user.login, password);
  }

  async unlock(p: Principal, id: string): Promise<UserView> {
    await this.userInScope(p, id);
    await this.credentials.clearLock(id);
    return this.views.view(id);
  }

  async addChild(p: Principal, parentId: string, childId: string): Promise<UserView> {
    const parent = await this.userInScope(p, parentId);
    if (!parent.roles.includes(Role.Parent)) throw UsersErrors.invalidSetup('childId', 'Детей можно привязать только к родителю');
    await this.repo.transaction((tx) => this.linkChildren(tx, p, parentId, [childId]));
    return this.views.view(parentId);
  }

  async removeChild(p: Principal, parentId: string, childId: string): Promise<UserView> {
    await this.userInScope(p, parentId);
    if (!(await this.repo.unlinkChild(parentId, childId))) throw UsersErrors.childNotFound(childId);
    return this.views.view(parentId);
  }

  /** The user if the caller administers their school (or region); otherwise 404. */
  async userInScope(p: Principal, id: string): Promise<User> {
    const user = await this.repo.findWithSchool(id);
    if (!user || !userAdministeredBy(p, user)) throw UsersErrors.notFound();
    return user;
  }

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

  /** Only students placed in a school the caller administers (`userAdministeredBy`) become children of a parent. */
  private async linkChildren(tx: EntityManager, p: Principal, parentId: string, childIds: string[]): Promise<void> {
    const children = await this.repo.findManyWithSchool(tx, childIds);
    for (const childId of childIds) {
      const child = children.find((c) => c.id === childId);
      if (!child || !child.roles.includes(Role.Student) || !child.school || !userAdministeredBy(p, child)) {
        throw UsersErrors.childNotFound(childId);
      }
    }
    await this.repo.linkChildren(tx, parentId, childIds);
  }
}
