import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { Principal } from '../../common/auth/principal';
import { GRADE_COLUMNS, GradeRow, NewGrade } from './grade-rows';
import { gradeWritableSql } from '../../access';

/** One INSERT of many grades: the columns of NewGrade as parallel arrays (gradeColumnsOf), unnested. */
const INSERT_GRADES = `INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight,
    comment, source, source_ref, entered_by)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::date[], $7::text[], $8::smallint[], $9::text[],
    $10::numeric[], $11::text[], $12::text[], $13::uuid[], $14::uuid[])`;

function gradeColumnsOf(rows: NewGrade[]): unknown[][] {
  return [
    rows.map((r) => r.schoolId),
    rows.map((r) => r.studentId),
    rows.map((r) => r.classId),
    rows.map((r) => r.subjectId),
    rows.map((r) => r.lessonId),
    rows.map((r) => r.date),
    rows.map((r) => r.scale),
    rows.map((r) => r.value),
    rows.map((r) => r.workType),
    rows.map((r) => r.weight),
    rows.map((r) => r.comment),
    rows.map((r) => r.source),
    rows.map((r) => r.sourceRef),
    rows.map((r) => r.enteredBy),
  ];
}

/** Grades and their corrections: writes and the locked row a correction starts from (the reads with names are in read-models/grade-names.read-model.ts). */
@Injectable()
export class GradeEntryRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- writes -----------------------------------------------------------------------------------

  async insertGrades(tx: EntityManager, rows: NewGrade[]): Promise<GradeRow[]> {
    if (rows.length === 0) return [];
    return tx.query(
      `WITH ins AS (
         ${INSERT_GRADES}
         RETURNING *)
       SELECT ${GRADE_COLUMNS} FROM ins g`,
      gradeColumnsOf(rows),
    );
  }

  /** Inserts without returning rows (the import: 50,000 rows in chunks); returns the new ids in order. */
  async insertGradeIds(tx: EntityManager, rows: NewGrade[]): Promise<string[]> {
    const out: Array<{ id: string }> = await tx.query(
      `${INSERT_GRADES}
       RETURNING id`,
      gradeColumnsOf(rows),
    );
    return out.map((o) => o.id);
  }

  /** The live grade, locked, if the caller may change it. */
  async lockWritableGrade(tx: EntityManager, p: Principal, id: string): Promise<GradeRow | null> {
    const cond = gradeWritableSql(p, 'g');
    const [row] = await this.run<GradeRow>(
      `SELECT ${GRADE_COLUMNS} FROM grades g WHERE g.id = :gId AND g.deleted_at IS NULL AND ${cond.sql} FOR UPDATE`,
      { gId: id, ...cond.params },
      tx,
    );
    return row ?? null;
  }

  async lockGradeBySourceRef(tx: EntityManager, sourceRef: string): Promise<GradeRow | null> {
    const [row] = await tx.query(`SELECT ${GRADE_COLUMNS} FROM grades g WHERE g.source_ref = $1 FOR UPDATE`, [sourceRef]);
    return row ?? null;
  }

  async updateGrade(
    tx: EntityManager,
    id: string,
    patch: { value: number; workType: string; weight: number; comment: string | null; deleted?: boolean },
  ): Promise<GradeRow> {
    const [row] = await tx.query(
      `WITH up AS (
         UPDATE grades SET value = $2, work_type = $3, weight = $4, comment = $5, version = version + 1, updated_at = now(),
                deleted_at = CASE WHEN $6::boolean THEN now() ELSE NULL END
          WHERE id = $1 RETURNING *)
       SELECT ${GRADE_COLUMNS} FROM up g`,
      [id, patch.value, patch.workType, patch.weight, patch.comment, patch.deleted ?? false],
    );
    return row;
  }

  async insertGradeChange(
    tx: EntityManager,
    c: {
      gradeId: string;
      studentId: string;
      action: 'changed' | 'deleted';
      before: object;
      after: object | null;
      reason: string | null;
      changedBy: string;
    },
  ): Promise<void> {
    await tx.query(
      'INSERT INTO grade_changes (grade_id, student_id, action, before, after, reason, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [c.gradeId, c.studentId, c.action, JSON.stringify(c.before), c.after ? JSON.stringify(c.after) : null, c.reason, c.changedBy],
    );
  }
}
