import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { mapConstraint } from '../../common/errors/db-constraint';
import { Page, page } from '../../common/pagination/page';
import { adminScope, scopeSql } from '../../access';
import { SchoolsService } from '../schools/schools.service';
import { UserRolesService } from '../users/user-roles.service';
import { ClassTeacherView, CreateTeacherAssignmentDto, ListTeacherAssignmentsQueryDto, TeacherAssignmentView } from './dto/teaching.dto';
import { ClassTeacher } from './entities/class-teacher.entity';
import { TeacherAssignment } from './entities/teacher-assignment.entity';
import { TeachingErrors } from './teaching.errors';

/** Who teaches which subject in which class, and who leads each class. */
@Injectable()
export class TeachingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(TeacherAssignment) private readonly assignments: Repository<TeacherAssignment>,
    @InjectRepository(ClassTeacher) private readonly classTeachers: Repository<ClassTeacher>,
    private readonly schools: SchoolsService,
    private readonly users: UserRolesService,
  ) {}

  async assign(p: Principal, dto: CreateTeacherAssignmentDto): Promise<TeacherAssignmentView> {
    const cls = await this.schools.classInScope(p, dto.classId);
    const subject = await this.schools.subjectInScope(p, dto.subjectId);
    if (subject.schoolId !== cls.schoolId) throw TeachingErrors.schoolMismatch();
    await this.requireTeacherOf(dto.teacherId, cls.schoolId);
    const saved = await mapConstraint(
      () => this.assignments.save(this.assignments.create({ teacherId: dto.teacherId, classId: cls.id, subjectId: subject.id })),
      TeachingErrors.assignmentExists,
    );
    return this.view(saved.id);
  }

  async list(p: Principal, q: ListTeacherAssignmentsQueryDto): Promise<Page<TeacherAssignmentView>> {
    const scope = scopeSql(adminScope(p), 's');
    const qb = this.assignments
      .createQueryBuilder('ta')
      .innerJoinAndSelect('ta.schoolClass', 'c')
      .innerJoinAndSelect('ta.subject', 'sub')
      .innerJoinAndSelect('ta.teacher', 't')
      .innerJoin('c.school', 's')
      .where(scope.sql, scope.params)
      .orderBy('c.grade', 'ASC')
      .addOrderBy('c.name', 'ASC')
      .addOrderBy('sub.name', 'ASC')
      .addOrderBy('ta.id', 'ASC')
      .take(q.limit)
      .skip(q.offset);
    if (q.schoolId) qb.andWhere('c.school_id = :schoolId', { schoolId: q.schoolId });
    if (q.classId) qb.andWhere('ta.class_id = :classId', { classId: q.classId });
    if (q.teacherId) qb.andWhere('ta.teacher_id = :teacherId', { teacherId: q.teacherId });
    const [rows, total] = await qb.getManyAndCount();
    return page(rows.map(toView), total, q);
  }

  async unassign(p: Principal, id: string): Promise<void> {
    const a = await this.assignments.findOneBy({ id });
    if (!a) throw TeachingErrors.assignmentNotFound();
    await this.schools.classInScope(p, a.classId).catch(() => {
      throw TeachingErrors.assignmentNotFound();
    });
    await this.assignments.delete({ id });
  }

  async setClassTeacher(p: Principal, classId: string, teacherId: string): Promise<ClassTeacherView> {
    const cls = await this.schools.classInScope(p, classId);
    await this.requireTeacherOf(teacherId, cls.schoolId);
    await this.db.transaction(async (tx) => {
      const previous = await tx.getRepository(ClassTeacher).findOneBy({ classId });
      if (previous?.teacherId === teacherId) return;
      if (previous) {
        await tx.getRepository(ClassTeacher).delete({ classId });
        await this.users.revokeRole(tx, previous.teacherId, Role.ClassTeacher);
      }
      await mapConstraint(() => tx.getRepository(ClassTeacher).insert({ classId, teacherId }), TeachingErrors.alreadyClassTeacher);
      await this.users.grantRole(tx, teacherId, Role.ClassTeacher);
    });
    return { classId, teacherId };
  }

  async getClassTeacher(p: Principal, classId: string): Promise<ClassTeacherView> {
    await this.schools.classInScope(p, classId);
    const ct = await this.classTeachers.findOneBy({ classId });
    if (!ct) throw TeachingErrors.noClassTeacher();
    return { classId, teacherId: ct.teacherId };
  }

  async removeClassTeacher(p: Principal, classId: string): Promise<void> {
    await this.schools.classInScope(p, classId);
    await this.db.transaction(async (tx) => {
      const ct = await tx.getRepository(ClassTeacher).findOneBy({ classId });
      if (!ct) throw TeachingErrors.noClassTeacher();
      await tx.getRepository(ClassTeacher).delete({ classId });
      await this.users.revokeRole(tx, ct.teacherId, Role.ClassTeacher);
    });
  }

  private async requireTeacherOf(teacherId: string, schoolId: string): Promise<void> {
    const t = await this.users.findBasic(teacherId);
    if (!t || t.schoolId !== schoolId || !t.roles.includes(Role.Teacher)) throw TeachingErrors.notATeacher();
  }

  private async view(id: string): Promise<TeacherAssignmentView> {
    const a = await this.assignments.findOneOrFail({ where: { id }, relations: { schoolClass: true, subject: true, teacher: true } });
    return toView(a);
  }
}

const toView = (a: TeacherAssignment): TeacherAssignmentView => ({
  id: a.id,
  teacherId: a.teacherId,
  teacherName: [a.teacher!.lastName, a.teacher!.firstName, a.teacher!.middleName].filter(Boolean).join(' '),
  classId: a.classId,
  className: a.schoolClass!.name,
  subjectId: a.subjectId,
  subjectName: a.subject!.name,
});
