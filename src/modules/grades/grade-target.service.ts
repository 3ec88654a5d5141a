import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { dateInZone } from '../../common/time/zoned-date';
import { ScheduleErrors } from '../schedule/schedule.errors';
import { ScheduleService } from '../schedule/schedule.service';
import { SchoolsErrors } from '../schools/schools.errors';
import { UsersErrors } from '../users/users.errors';
import { GradesErrors } from './grades.errors';
import { GradeContextReadModel } from './read-models/grade-context.read-model';

export interface GradeTarget {
  schoolId: string;
  classId: string;
  subjectId: string;
  date: string;
  lessonId: string | null;
}

/** Where a mark goes (a lesson, or class + subject + date) and for whom: shared by grades, attendance and period marks. */
@Injectable()
export class GradeTargetService {
  constructor(
    private readonly context: GradeContextReadModel,
    private readonly schedule: ScheduleService,
  ) {}

  /** Where the grade goes: a lesson (its teacher or substitute), or class + subject + date (its teacher); the write rule is gradeWritableSql. */
  async resolveTarget(p: Principal, t: { lessonId?: string; classId?: string; subjectId?: string; date?: string }): Promise<GradeTarget> {
    if (t.lessonId) {
      const lesson = await this.schedule.lessonFacts(t.lessonId);
      if (!lesson) throw ScheduleErrors.lessonNotFound();
      const cls = await this.context.findClassForMark(p, { classId: lesson.classId, subjectId: lesson.subjectId, lessonId: lesson.id });
      if (!cls || !cls.writable) throw ScheduleErrors.lessonNotFound();
      if (lesson.status === 'cancelled') throw ScheduleErrors.lessonCancelled();
      if (lesson.date > dateInZone(new Date(), cls.tz)) throw GradesErrors.dateInFuture();
      return { schoolId: lesson.schoolId, classId: lesson.classId, subjectId: lesson.subjectId, date: lesson.date, lessonId: lesson.id };
    }
    if (!t.classId || !t.subjectId || !t.date) throw GradesErrors.targetRequired();
    const cls = await this.context.findClassForMark(p, { classId: t.classId, subjectId: t.subjectId, lessonId: null });
    if (!cls || !cls.writable) throw SchoolsErrors.classNotFound();
    if (t.date > dateInZone(new Date(), cls.tz)) throw GradesErrors.dateInFuture();
    return { schoolId: cls.school_id, classId: cls.id, subjectId: t.subjectId, date: t.date, lessonId: null };
  }

  /**
   * The students of one request, each named once and each a current student of the class: the first student
   * named twice is refused, then all who are not in the class (`details` lists them).
   */
  async checkStudents(classId: string, studentIds: string[]): Promise<void> {
    const duplicate = studentIds.find((id, i) => studentIds.indexOf(id) !== i);
    if (duplicate !== undefined) throw GradesErrors.duplicateStudent(duplicate);
    const enrolled = await this.context.findEnrolled(classId, studentIds);
    const missing = studentIds.filter((id) => !enrolled.has(id));
    if (missing.length) throw UsersErrors.studentNotFound(missing);
  }
}
