import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { CommonErrors } from '../../common/errors/app-error';
import { OutboxService } from '../events/outbox.service';
import { UsersErrors } from '../users/users.errors';
import {
  BatchGradesDto,
  CreateGradeDto,
  GradeChangePage,
  GradeChangeView,
  GradeHistoryView,
  GradeItemDto,
  GradeListView,
  GradeView,
  HistoryQueryDto,
  UpdateGradeDto,
} from './dto/grades.dto';
import { GradeEntryRepository } from './grade-entry.repository';
import { facts, gradeCorrectedEvent, gradeCreatedEvent, toRowLike } from './grade-events';
import { GradeRow, NewGrade } from './grade-rows';
import { GradeTarget, GradeTargetService } from './grade-target.service';
import { toChangeView, toGradeView } from './grade-views';
import { SchoolGrading, storedValueOn, workTypeOf } from './grading-rules';
import { GradesErrors } from './grades.errors';
import { GradesRepository } from './grades.repository';
import { GradeContextReadModel } from './read-models/grade-context.read-model';
import { GradeNamesReadModel } from './read-models/grade-names.read-model';

/**
 * Entering grades and correcting them: one, a lesson's batch, a homework grade, an import's chunk; changes and
 * deletions kept in the grade's history with their events (docs/domain.md "Grades"). Owns its transactions,
 * except where the caller's is passed in (homework, import).
 */
@Injectable()
export class GradeEntryService {
  constructor(
    private readonly repo: GradeEntryRepository,
    private readonly grades: GradesRepository,
    private readonly context: GradeContextReadModel,
    private readonly names: GradeNamesReadModel,
    private readonly targets: GradeTargetService,
    private readonly outbox: OutboxService,
  ) {}

  async createGrade(p: Principal, dto: CreateGradeDto): Promise<GradeView> {
    const target = await this.targets.resolveTarget(p, dto);
    const grading = await this.grades.findGrading(target.schoolId);
    const row = await this.prepareGrades(p, target, grading, [dto]);
    return this.repo.transaction(async (tx) => {
      const [saved] = await this.insertWithEvents(tx, p.userId, row);
      return toGradeView(saved);
    });
  }

  /** Grades for several students of one lesson in one request, all or nothing. */
  async createBatch(p: Principal, dto: BatchGradesDto): Promise<GradeListView> {
    const target = await this.targets.resolveTarget(p, { lessonId: dto.lessonId });
    const grading = await this.grades.findGrading(target.schoolId);
    const rows = await this.prepareGrades(p, target, grading, dto.grades);
    return this.repo.transaction(async (tx) => ({
      items: (await this.insertWithEvents(tx, p.userId, rows)).map(toGradeView),
    }));
  }

  async updateGrade(p: Principal, id: string, dto: UpdateGradeDto): Promise<GradeView> {
    return this.repo.transaction(async (tx) => {
      const g = await this.repo.lockWritableGrade(tx, p, id);
      if (!g) throw GradesErrors.gradeNotFound();
      const grading = await this.grades.findGrading(g.school_id, tx);
      const value = dto.value !== undefined ? storedValueOn(dto.value, g.scale) : g.value;
      const workType = dto.workType ?? g.work_type;
      const weight =
        dto.workType !== undefined && dto.workType !== g.work_type ? workTypeOf(grading, dto.workType).weight : Number(g.weight);
      const comment = dto.comment !== undefined ? dto.comment || null : g.comment;
      if (value === g.value && workType === g.work_type && weight === Number(g.weight) && comment === g.comment)
        throw CommonErrors.nothingChanged();
      const saved = await this.repo.updateGrade(tx, id, { value, workType, weight, comment });
      await this.recordCorrection(tx, p.userId, g, saved, 'changed', dto.reason ?? null);
      return toGradeView(saved);
    });
  }

  async deleteGrade(p: Principal, id: string, reason: string | null): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const g = await this.repo.lockWritableGrade(tx, p, id);
      if (!g) throw GradesErrors.gradeNotFound();
      const saved = await this.repo.updateGrade(tx, id, {
        value: g.value,
        workType: g.work_type,
        weight: Number(g.weight),
        comment: g.comment,
        deleted: true,
      });
      await this.recordCorrection(tx, p.userId, g, saved, 'deleted', reason);
    });
  }

  // ---- history ----------------------------------------------------------------------------------

  async gradeHistory(p: Principal, id: string): Promise<GradeHistoryView> {
    const g = await this.names.findReadableGrade(p, id);
    if (!g) throw GradesErrors.gradeNotFound();
    const changes = await this.names.findChangesOfGrade(id);
    const created: GradeChangeView = {
      id: null,
      gradeId: id,
      action: 'created',
      before: null,
      after: changes[0]?.before ?? facts(g),
      reason: null,
      changedBy: g.entered_by,
      changedByName: g.entered_by_name,
      changedAt: new Date(g.created_at).toISOString(),
    };
    return { grade: toGradeView(g), changes: [created, ...changes.map(toChangeView)] };
  }

  async studentHistory(p: Principal, q: HistoryQueryDto): Promise<GradeChangePage> {
    if (!(await this.context.findStudentContext(p, q.studentId))) throw UsersErrors.studentNotFound();
    const rows = await this.names.findStudentChanges(p, q.studentId, q.cursor ?? null, q.limit);
    return { items: rows.map(toChangeView), nextCursor: rows.length === q.limit ? rows[rows.length - 1].id : null };
  }

  // ---- for the homework module (in its transaction) ------------------------------------------------

  /**
   * The homework-type grade of a graded submission: created once per submission (source_ref),
   * changed on regrading. The caller has checked that the actor teaches the class and subject.
   */
  async recordHomeworkGrade(
    tx: EntityManager,
    input: {
      submissionId: string;
      schoolId: string;
      studentId: string;
      classId: string;
      subjectId: string;
      lessonId: string | null;
      date: string;
      value: number | string;
      actorId: string;
    },
  ): Promise<GradeView> {
    const grading = await this.grades.findGrading(input.schoolId, tx);
    const value = storedValueOn(input.value, grading.scale);
    const wt = grading.workTypes.find((w) => w.code === 'homework') ?? { code: 'homework', weight: 1 };
    const existing = await this.repo.lockGradeBySourceRef(tx, input.submissionId);
    if (!existing) {
      const [saved] = await this.insertWithEvents(tx, input.actorId, [
        {
          schoolId: input.schoolId,
          studentId: input.studentId,
          classId: input.classId,
          subjectId: input.subjectId,
          lessonId: input.lessonId,
          date: input.date,
          scale: grading.scale,
          value,
          workType: wt.code,
          weight: wt.weight,
          comment: null,
          source: 'homework',
          sourceRef: input.submissionId,
          enteredBy: input.actorId,
        },
      ]);
      return toGradeView(saved);
    }
    if (existing.value === value && !existing.deleted_at) return toGradeView(existing);
    const saved = await this.repo.updateGrade(tx, existing.id, {
      value,
      workType: existing.work_type,
      weight: Number(existing.weight),
      comment: existing.comment,
    });
    await this.recordCorrection(tx, input.actorId, existing, saved, 'changed', null);
    return toGradeView(saved);
  }

  // ---- for the import -----------------------------------------------------------------------------

  /** Inserts a chunk of imported grades and their events in the import's transaction. */
  async insertImported(tx: EntityManager, actorId: string, rows: NewGrade[]): Promise<number> {
    if (rows.length === 0) return 0;
    const ids = await this.repo.insertGradeIds(tx, rows);
    await this.outbox.recordMany(
      tx,
      ids.map((id, i) => gradeCreatedEvent({ ...toRowLike(rows[i]), id }, actorId)),
    );
    return ids.length;
  }

  // ---- one place for the rules every entry follows ------------------------------------------------

  private async prepareGrades(p: Principal, target: GradeTarget, grading: SchoolGrading, items: GradeItemDto[]): Promise<NewGrade[]> {
    await this.targets.checkStudents(
      target.classId,
      items.map((it) => it.studentId),
    );
    return items.map((it) => ({
      schoolId: target.schoolId,
      studentId: it.studentId,
      classId: target.classId,
      subjectId: target.subjectId,
      lessonId: target.lessonId,
      date: target.date,
      scale: grading.scale,
      value: storedValueOn(it.value, grading.scale),
      workType: it.workType,
      weight: workTypeOf(grading, it.workType).weight,
      comment: it.comment || null,
      source: 'manual',
      sourceRef: null,
      enteredBy: p.userId,
    }));
  }

  private async insertWithEvents(tx: EntityManager, actorId: string, rows: NewGrade[]): Promise<GradeRow[]> {
    const saved = await this.repo.insertGrades(tx, rows);
    await this.outbox.recordMany(
      tx,
      saved.map((g) => gradeCreatedEvent(g, actorId)),
    );
    return saved;
  }

  private async recordCorrection(
    tx: EntityManager,
    actorId: string,
    old: GradeRow,
    now: GradeRow,
    action: 'changed' | 'deleted',
    reason: string | null,
  ): Promise<void> {
    await this.repo.insertGradeChange(tx, {
      gradeId: old.id,
      studentId: old.student_id,
      action,
      before: facts(old),
      after: action === 'deleted' ? null : facts(now),
      reason,
      changedBy: actorId,
    });
    await this.outbox.record(tx, gradeCorrectedEvent(old, now, action, actorId));
  }
}
