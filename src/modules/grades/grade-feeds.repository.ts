import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { Principal } from '../../common/auth/principal';
import { ATTENDANCE_COLUMNS, AttendanceRow, GRADE_COLUMNS, GradeRow } from './grade-rows';
import { attendanceReadableSql, gradeReadableSql, SqlCondition } from '../../access';

/** Rows of transactions that may still commit are held back, so a feed cursor never skips a late commit. */
const SETTLED = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';
export type FeedFilter = { studentId?: string; classId?: string; subjectId?: string };
export type FeedCursor = { xid: string; id: string };

/** The `?cursor=` feeds of grades and attendance (core/feeds semantics). */
@Injectable()
export class GradeFeedsRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /** Grades changed after the cursor (created, changed or deleted), in commit-safe order. */
  findGradeFeed(p: Principal, filter: FeedFilter, after: FeedCursor, limit: number): Promise<GradeRow[]> {
    return this.feed<GradeRow>('grades g', 'g', GRADE_COLUMNS, gradeReadableSql(p, 'g'), filter, after, limit);
  }

  /** Attendance marks changed after the cursor, in commit-safe order. */
  findAttendanceFeed(p: Principal, filter: FeedFilter, after: FeedCursor, limit: number): Promise<AttendanceRow[]> {
    return this.feed<AttendanceRow>('attendance a', 'a', ATTENDANCE_COLUMNS, attendanceReadableSql(p, 'a'), filter, after, limit);
  }

  /**
   * Rows of a table stamped with change_xid (grades, attendance) after a (xid, id) cursor, oldest
   * first, held back while an older transaction may still commit (so a cursor never skips one), by the read rule `cond`.
   */
  private feed<T>(
    from: string,
    a: string,
    columns: string,
    cond: SqlCondition,
    filter: FeedFilter,
    after: FeedCursor,
    limit: number,
  ): Promise<T[]> {
    const by = filter.studentId ? `${a}.student_id = :fKey` : `${a}.class_id = :fKey`;
    return this.run<T>(
      `SELECT ${columns}, ${a}.change_xid::text AS cx FROM ${from}
        WHERE ${by} AND (CAST(:fSubject AS uuid) IS NULL OR ${a}.subject_id = CAST(:fSubject AS uuid))
          AND (${a}.change_xid, ${a}.id) > (CAST(:fXid AS bigint), CAST(:fId AS uuid)) AND ${a}.change_xid < ${SETTLED}
          AND ${cond.sql}
        ORDER BY ${a}.change_xid, ${a}.id LIMIT :fLimit`,
      {
        fKey: filter.studentId ?? filter.classId,
        fSubject: filter.subjectId ?? null,
        fXid: after.xid,
        fId: after.id,
        fLimit: limit,
        ...cond.params,
      },
    );
  }
}
