import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { ClassRef, MeView, SchoolRef, StudentProfileView, UserView } from './dto/users.dto';
import { User } from './entities/user.entity';
import { UsersErrors } from './users.errors';
import { visibleStudentSql } from '../../access';
import { MeReadModel } from './read-models/me.read-model';
import { UsersRepository } from './users.repository';

/** What the users module shows about people: the signed-in user, a student's card, an administrator's view of a user. */
@Injectable()
export class UserViewsService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly meReads: MeReadModel,
  ) {}

  /** One prepared statement: the first read of every app start. */
  async me(userId: string): Promise<MeView> {
    const row = await this.meReads.findMe(userId);
    if (!row) throw UsersErrors.notFound();
    return { ...row, children: row.children.sort((a, b) => a.firstName.localeCompare(b.firstName, 'ru')) };
  }

  /** A student's card for someone allowed to see it (self, parent, their teacher, admin); otherwise 404. */
  async studentProfile(p: Principal, studentId: string): Promise<StudentProfileView> {
    const visible = visibleStudentSql(p, 'u');
    const user = await this.repo.findStudentWithSchool(studentId, visible);
    if (!user) throw UsersErrors.notFound();
    const [cls] = await this.currentClasses([user.id]);
    return { ...toPersonRef(user), class: cls?.class ?? null, school: user.school ? toSchoolRef(user.school) : null };
  }

  /** The administrator's view of one user (the caller checked the scope). */
  async view(id: string): Promise<UserView> {
    const user = await this.repo.findById(id);
    const [v] = await this.views([user]);
    return v;
  }

  /** Views for a page of users in three queries whatever the page size. */
  async views(users: User[]): Promise<UserView[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [classes, links] = await Promise.all([this.currentClasses(ids), this.repo.childLinks(ids)]);
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
    const rows = await this.repo.currentEnrolments(studentIds);
    return rows.map((e) => ({
      studentId: e.studentId,
      class: { id: e.schoolClass!.id, name: e.schoolClass!.name, academicYear: e.schoolClass!.academicYear },
    }));
  }
}

const toPersonRef = (u: User) => ({ id: u.id, lastName: u.lastName, firstName: u.firstName, middleName: u.middleName });
const toSchoolRef = (s: { id: string; name: string; regionId: string }): SchoolRef => ({ id: s.id, name: s.name, regionId: s.regionId });
