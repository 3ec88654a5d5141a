import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { GRADE_COLUMNS, GradeRow } from './grade-rows';

/** What the class journal reads: a class's grades of a subject in a date range, and the absences of its lessons. */
@Injectable()
export class JournalRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  async findClassSubjectGrades(classId: string, subjectId: string, from: string, to: string): Promise<GradeRow[]> {
    return this.db.query(
      `SELECT ${GRADE_COLUMNS} FROM grades g
        WHERE g.class_id = $1 AND g.subject_id = $2 AND g.date BETWEEN $3 AND $4 AND g.deleted_at IS NULL
        ORDER BY g.date, g.created_at LIMIT 20000`,
      [classId, subjectId, from, to],
    );
  }

  async findAttendanceOfLessons(lessonIds: string[]): Promise<Array<{ lesson_id: string; student_id: string; status: string }>> {
    if (lessonIds.length === 0) return [];
    return this.db.query(`SELECT lesson_id, student_id, status FROM attendance WHERE lesson_id = ANY($1::uuid[]) AND status <> 'present'`, [
      lessonIds,
    ]);
  }
}
