import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { DEFAULT_GRADING, SchoolGrading } from './grading-rules';
import { PERIOD_COLUMNS, PeriodMarkRow, PeriodRow } from './grade-rows';

/**
 * A school's grading settings, its periods and the period marks (the class, student or school they are about is
 * looked up in read-models/grade-context.read-model.ts). Named SQL through SqlRepository, the one way to reach the
 * database in this module.
 */
@Injectable()
export class GradesRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  // ---- grading settings, periods, period marks ---------------------------------------------------

  async findGrading(schoolId: string, manager?: EntityManager): Promise<SchoolGrading> {
    const [row] = await (manager ?? this.db.manager).query(
      'SELECT scale, work_types, rounding_threshold FROM grading_settings WHERE school_id = $1',
      [schoolId],
    );
    if (!row) return DEFAULT_GRADING;
    return { scale: row.scale, workTypes: row.work_types, roundingThreshold: Number(row.rounding_threshold) };
  }

  async saveGrading(schoolId: string, g: SchoolGrading, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO grading_settings (school_id, scale, work_types, rounding_threshold, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (school_id) DO UPDATE SET scale = $2, work_types = $3, rounding_threshold = $4, updated_by = $5, updated_at = now()`,
      [schoolId, g.scale, JSON.stringify(g.workTypes), g.roundingThreshold, by],
    );
  }

  async findPeriod(id: string, schoolId: string): Promise<PeriodRow | null> {
    const [row] = await this.db.query(`SELECT ${PERIOD_COLUMNS} FROM academic_periods WHERE id = $1 AND school_id = $2`, [id, schoolId]);
    return row ?? null;
  }

  async findPeriodMarks(periodId: string, filter: { studentId?: string; classId?: string; subjectId?: string }) {
    return this.db.query(
      `SELECT student_id, subject_id, period_id, scale, value, comment FROM period_marks
        WHERE period_id = $1 AND ($2::uuid IS NULL OR student_id = $2) AND ($3::uuid IS NULL OR class_id = $3) AND ($4::uuid IS NULL OR subject_id = $4)
        LIMIT 5000`,
      [periodId, filter.studentId ?? null, filter.classId ?? null, filter.subjectId ?? null],
    ) as Promise<PeriodMarkRow[]>;
  }
}
