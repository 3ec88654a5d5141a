import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { Principal } from '../../common/auth/principal';
import { readVersionsSql } from '../../core/read-cache/read-versions';
import { GRADE_COLUMNS, GradeRow } from './grade-rows';
import { gradeReadableSql, journalReadableSql } from '../../access';

/** What the journal and a student's grades read: grades in a date range, the journal's class, absences. */
@Injectable()
export class JournalRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** The class if the caller may read the subject's journal in it. */
  async findJournalClass(
    p: Principal,
    classId: string,
    subjectId: string,
  ): Promise<{ id: string; school_id: string; tz: string; versions: string } | null> {
    const cond = journalReadableSql(p, 'c', ':jSubject');
    const [row] = await this.runPrepared<{ id: string; school_id: string; tz: string; versions: string }>(
      `SELECT c.id, c.school_id, COALESCE(s.timezone, r.timezone) AS tz, ${readVersionsSql('c.id')} AS versions
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :jClass AND EXISTS (SELECT 1 FROM subjects sub WHERE sub.id = :jSubject AND sub.school_id = c.school_id) AND ${cond.sql}`,
      { jClass: classId, jSubject: subjectId, ...cond.params },
    );
    return row ?? null;
  }

  /** Grades of one student in a date range (optionally one subject) with subject names. */
  async findStudentGrades(
    studentId: string,
    from: string,
    to: string,
    subjectId: string | null,
    p: Principal,
  ): Promise<Array<GradeRow & { subject_name: string }>> {
    const cond = gradeReadableSql(p, 'g');
    return this.run(
      `SELECT ${GRADE_COLUMNS}, sub.name AS subject_name FROM grades g JOIN subjects sub ON sub.id = g.subject_id
        WHERE g.student_id = :sStudent AND g.date BETWEEN :sFrom AND :sTo AND g.deleted_at IS NULL
          AND (CAST(:sSubject AS uuid) IS NULL OR g.subject_id = CAST(:sSubject AS uuid)) AND ${cond.sql}
        ORDER BY sub.name, g.date, g.created_at LIMIT 5000`,
      { sStudent: studentId, sFrom: from, sTo: to, sSubject: subjectId, ...cond.params },
    );
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
