import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { GradeScale } from './entities/grade.entity';
import { PERIOD_COLUMNS, PeriodRow } from './grade-rows';

/** Academic periods of a school and the period (term, half-year) and final marks set in them. */
@Injectable()
export class PeriodsRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  async insertPeriod(row: Omit<PeriodRow, 'id'>): Promise<PeriodRow> {
    const [r] = await this.db.query(
      `INSERT INTO academic_periods (school_id, academic_year, kind, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${PERIOD_COLUMNS}`,
      [row.school_id, row.academic_year, row.kind, row.name, row.starts_on, row.ends_on],
    );
    return r;
  }

  async listPeriods(schoolId: string, year: number | null, limit: number, offset: number): Promise<{ rows: PeriodRow[]; total: number }> {
    const rows: Array<PeriodRow & { total: string }> = await this.db.query(
      `SELECT ${PERIOD_COLUMNS}, count(*) OVER () AS total FROM academic_periods
        WHERE school_id = $1 AND ($2::int IS NULL OR academic_year = $2) ORDER BY academic_year DESC, starts_on, kind LIMIT $3 OFFSET $4`,
      [schoolId, year, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  async upsertPeriodMarks(
    tx: EntityManager,
    c: { periodId: string; classId: string; subjectId: string; scale: GradeScale; setBy: string },
    marks: Array<{ studentId: string; value: number; comment: string | null }>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO period_marks (period_id, student_id, subject_id, class_id, scale, value, comment, set_by)
       SELECT $1, i.student_id, $2, $3, $4, i.value, i.comment, $5 FROM unnest($6::uuid[], $7::smallint[], $8::text[]) AS i(student_id, value, comment)
       ON CONFLICT (student_id, subject_id, period_id) DO UPDATE
         SET value = EXCLUDED.value, scale = EXCLUDED.scale, comment = EXCLUDED.comment, class_id = EXCLUDED.class_id, set_by = EXCLUDED.set_by, updated_at = now()`,
      [
        c.periodId,
        c.subjectId,
        c.classId,
        c.scale,
        c.setBy,
        marks.map((m) => m.studentId),
        marks.map((m) => m.value),
        marks.map((m) => m.comment),
      ],
    );
  }
}
