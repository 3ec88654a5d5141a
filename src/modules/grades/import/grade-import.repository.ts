import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../../core/database/sql-repository';
import { Principal } from '../../../common/auth/principal';
import { teachesInClassSql } from '../../../access';

/** The lookups the grade import loads once per file: the class, the school's subjects, what the importer teaches. */
@Injectable()
export class GradeImportRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  async findClassForImport(
    p: Principal,
    classId: string,
  ): Promise<{ id: string; school_id: string; academic_year: number; tz: string } | null> {
    const teaches = teachesInClassSql(p, 'c.id');
    const [row] = await this.run<{ id: string; school_id: string; academic_year: number; tz: string }>(
      `SELECT c.id, c.school_id, c.academic_year, COALESCE(s.timezone, r.timezone) AS tz
         FROM classes c JOIN schools s ON s.id = c.school_id JOIN regions r ON r.id = s.region_id
        WHERE c.id = :iClass AND ${teaches.sql}`,
      { iClass: classId, ...teaches.params },
    );
    return row ?? null;
  }

  async findSchoolSubjects(schoolId: string): Promise<Array<{ id: string; name: string; short_name: string | null }>> {
    return this.db.query('SELECT id, name, short_name FROM subjects WHERE school_id = $1 LIMIT 500', [schoolId]);
  }

  async findTaughtSubjects(p: Principal, classId: string): Promise<Set<string>> {
    const rows: Array<{ subject_id: string }> = await this.db.query(
      'SELECT subject_id FROM teacher_assignments WHERE teacher_id = $1 AND class_id = $2',
      [p.userId, classId],
    );
    return new Set(rows.map((r) => r.subject_id));
  }
}
