import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { mapConstraint } from '../../common/errors/db-constraint';
import { SchoolsErrors } from '../schools/schools.errors';
import { CreatePeriodDto, ListPeriodsQueryDto, PeriodMarkListView, PeriodPage, PeriodView, SetPeriodMarksDto } from './dto/periods.dto';
import { GradeTargetService } from './grade-target.service';
import { toPeriodView } from './grade-views';
import { storedValueOn, toApiValue } from './grading-rules';
import { GradesErrors } from './grades.errors';
import { GradesRepository } from './grades.repository';
import { PeriodsRepository } from './periods.repository';
import { GradeContextReadModel } from './read-models/grade-context.read-model';

/** A school's academic periods (terms, half-years, the year) and the period and final marks teachers set in them. */
@Injectable()
export class PeriodMarksService {
  constructor(
    private readonly repo: PeriodsRepository,
    private readonly grades: GradesRepository,
    private readonly context: GradeContextReadModel,
    private readonly targets: GradeTargetService,
  ) {}

  async setPeriodMarks(p: Principal, dto: SetPeriodMarksDto): Promise<PeriodMarkListView> {
    // period marks are marks of the subject without a lesson: the grade write rule (its teacher)
    const cls = await this.context.findClassForMark(p, { classId: dto.classId, subjectId: dto.subjectId, lessonId: null });
    if (!cls || !cls.writable) throw SchoolsErrors.classNotFound();
    const period = await this.grades.findPeriod(dto.periodId, cls.school_id);
    if (!period) throw GradesErrors.periodNotFound();
    await this.targets.checkStudents(
      dto.classId,
      dto.marks.map((m) => m.studentId),
    );
    const grading = await this.grades.findGrading(cls.school_id);
    const marks = dto.marks.map((m) => ({
      studentId: m.studentId,
      value: storedValueOn(m.value, grading.scale),
      comment: m.comment || null,
    }));
    await this.repo.transaction((tx) =>
      this.repo.upsertPeriodMarks(
        tx,
        { periodId: period.id, classId: dto.classId, subjectId: dto.subjectId, scale: grading.scale, setBy: p.userId },
        marks,
      ),
    );
    const rows = await this.grades.findPeriodMarks(period.id, { classId: dto.classId, subjectId: dto.subjectId });
    return {
      items: rows.map((r) => ({
        studentId: r.student_id,
        subjectId: r.subject_id,
        periodId: r.period_id,
        value: toApiValue(r.value, r.scale),
        comment: r.comment,
      })),
    };
  }

  // ---- academic periods ---------------------------------------------------------------------------

  async createPeriod(p: Principal, dto: CreatePeriodDto): Promise<PeriodView> {
    if (!(await this.context.isSchoolAdministered(p, dto.schoolId))) throw SchoolsErrors.schoolNotFound();
    if (dto.endsOn < dto.startsOn) throw GradesErrors.invalidRange();
    const row = await mapConstraint(
      () =>
        this.repo.insertPeriod({
          school_id: dto.schoolId,
          academic_year: dto.academicYear,
          kind: dto.kind,
          name: dto.name,
          starts_on: dto.startsOn,
          ends_on: dto.endsOn,
        }),
      GradesErrors.periodExists,
    );
    return toPeriodView(row);
  }

  async listPeriods(p: Principal, q: ListPeriodsQueryDto): Promise<PeriodPage> {
    if (!(await this.context.isSchoolReadable(p, q.schoolId))) throw SchoolsErrors.schoolNotFound();
    const { rows, total } = await this.repo.listPeriods(q.schoolId, q.academicYear ?? null, q.limit, q.offset);
    return { items: rows.map(toPeriodView), total, limit: q.limit, offset: q.offset };
  }
}
