import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqlRepository } from '../../core/database/sql-repository';
import { afterCursorSql, cursorParams, FeedPosition, feedOrderSql } from '../../core/feeds/feed-cursor';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { LessonChangeKind } from './entities/lesson-change.entity';
import { ClashRow, LessonCandidate, LessonChangeRow, LessonFacts, LessonRow, NewLessonRow } from './lesson-sql';
import { LESSON_COLUMNS, LESSON_JOINS, userShortNameSql } from './read-models/lesson-names.read-model';
import { schoolTimezoneSql } from './read-models/timetable-context.read-model';
import { lessonReadableSql, lessonWritableSql, SqlCondition } from '../../access';

/**
 * Timetable queries, named for what they answer, in named-parameter SQL (SqlRepository). All reads are scoped in SQL by
 * the rules of src/access. What is read of other modules' tables is in read-models/: lesson names
 * (lesson-names.read-model.ts), the class, student or teacher a view is of (timetable-context.read-model.ts), the week
 * views, which also read marks, attendance and homework (week-view.read-model.ts).
 */
@Injectable()
export class ScheduleRepository extends SqlRepository {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  /**
   * Lessons of a class, or of a teacher (own and covered), changed after the feed cursor, oldest change first; each
   * also checked with the lesson read rule.
   */
  async findLessonFeed(
    p: Principal,
    scope: { classId: string } | { teacherId: string },
    after: FeedPosition,
    limit: number,
  ): Promise<Array<LessonRow & { cx: string }>> {
    const readable = lessonReadableSql(p, 'l');
    const by = 'classId' in scope ? 'l.class_id = :fScope' : '(l.teacher_id = :fScope OR l.substitute_teacher_id = :fScope)';
    return this.run(
      `SELECT ${LESSON_COLUMNS}, l.change_xid::text AS cx FROM lessons l ${LESSON_JOINS}
        WHERE ${by} AND ${afterCursorSql('l.change_xid', 'l.id::text')} AND ${readable.sql}
        ORDER BY ${feedOrderSql('l.change_xid', 'l.id::text')} LIMIT :fLimit`,
      { fScope: 'classId' in scope ? scope.classId : scope.teacherId, fLimit: limit, ...cursorParams(after), ...readable.params },
    );
  }

  /** Serializes timetable writes of one school, so two clash checks cannot both pass. */
  async lockSchoolTimetable(tx: EntityManager, schoolId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('lessons:' || $1, 0))`, [schoolId]);
  }

  /** Existing scheduled lessons that overlap any candidate on class (same group or whole class), teacher or room. */
  async findClashes(
    tx: EntityManager,
    schoolId: string,
    candidates: LessonCandidate[],
    exceptLessonId: string | null = null,
  ): Promise<ClashRow[]> {
    if (candidates.length === 0) return [];
    return tx.query(
      `WITH c AS (
         SELECT * FROM unnest($1::int[], $2::date[], $3::time[], $4::time[], $5::uuid[], $6::uuid[], $7::text[], $8::text[])
           AS c(idx, day, start_time, end_time, class_id, teacher_id, room, group_name))
       SELECT c.idx, l.id, to_char(l.date, 'YYYY-MM-DD') AS date, to_char(l.start_time, 'HH24:MI') AS start_time,
              to_char(l.end_time, 'HH24:MI') AS end_time,
              (l.class_id = c.class_id AND (l.group_name IS NULL OR c.group_name IS NULL OR l.group_name = c.group_name)) AS class_clash,
              (COALESCE(l.substitute_teacher_id, l.teacher_id) = c.teacher_id) AS teacher_clash,
              (c.room IS NOT NULL AND l.room = c.room) AS room_clash
         FROM c
         JOIN lessons l ON l.school_id = $9 AND l.date = c.day AND l.status = 'scheduled'
                       AND l.start_time < c.end_time AND l.end_time > c.start_time
                       AND ($10::uuid IS NULL OR l.id <> $10)
        WHERE (l.class_id = c.class_id AND (l.group_name IS NULL OR c.group_name IS NULL OR l.group_name = c.group_name))
           OR COALESCE(l.substitute_teacher_id, l.teacher_id) = c.teacher_id
           OR (c.room IS NOT NULL AND l.room = c.room)
        ORDER BY c.idx, l.date, l.start_time
        LIMIT 50`,
      [
        candidates.map((_, i) => i),
        candidates.map((c) => c.date),
        candidates.map((c) => c.startTime),
        candidates.map((c) => c.endTime),
        candidates.map((c) => c.classId),
        candidates.map((c) => c.teacherId),
        candidates.map((c) => c.room),
        candidates.map((c) => c.groupName),
        schoolId,
        exceptLessonId,
      ],
    );
  }

  async insertLessons(tx: EntityManager, rows: NewLessonRow[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const out: Array<{ id: string }> = await tx.query(
        `INSERT INTO lessons (school_id, class_id, subject_id, teacher_id, group_name, date, start_time, end_time, starts_at, ends_at, room, topic, series_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::date[], $7::time[], $8::time[],
                              $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::uuid[])
         RETURNING id`,
        [
          chunk.map((r) => r.schoolId),
          chunk.map((r) => r.classId),
          chunk.map((r) => r.subjectId),
          chunk.map((r) => r.teacherId),
          chunk.map((r) => r.groupName),
          chunk.map((r) => r.date),
          chunk.map((r) => r.startTime),
          chunk.map((r) => r.endTime),
          chunk.map((r) => r.startsAt.toISOString()),
          chunk.map((r) => r.endsAt.toISOString()),
          chunk.map((r) => r.room),
          chunk.map((r) => r.topic),
          chunk.map((r) => r.seriesId),
        ],
      );
      ids.push(...out.map((o) => o.id));
    }
    return ids;
  }

  async findLessonRow(
    id: string,
    condition: SqlCondition = { sql: 'TRUE', params: {} },
    manager?: EntityManager,
  ): Promise<LessonRow | null> {
    const [row] = await this.run<LessonRow>(
      `SELECT ${LESSON_COLUMNS} FROM lessons l ${LESSON_JOINS} WHERE l.id = :lessonId AND ${condition.sql}`,
      { lessonId: id, ...condition.params },
      manager,
    );
    return row ?? null;
  }

  findLessonReadableBy(p: Principal, id: string): Promise<LessonRow | null> {
    return this.findLessonRow(id, lessonReadableSql(p, 'l'));
  }

  /** The lesson, locked for update, if the caller administers its school. */
  async lockLessonForAdmin(tx: EntityManager, p: Principal, id: string): Promise<(LessonRow & { tz: string }) | null> {
    const admin = lessonWritableSql(p, 'l');
    const [row] = await this.run<{ id: string }>(
      `SELECT l.id FROM lessons l WHERE l.id = :lessonId AND ${admin.sql} FOR UPDATE`,
      { lessonId: id, ...admin.params },
      tx,
    );
    if (!row) return null;
    const lesson = await this.findLessonRow(id, undefined, tx);
    const [{ tz }] = await tx.query(`SELECT ${schoolTimezoneSql('$1::uuid')} AS tz`, [lesson!.school_id]);
    return { ...lesson!, tz };
  }

  async updateLesson(tx: EntityManager, id: string, patch: Record<string, unknown>): Promise<void> {
    await tx
      .createQueryBuilder()
      .update('lessons')
      .set({ ...patch, updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
  }

  async insertChange(
    tx: EntityManager,
    row: {
      lessonId: string;
      schoolId: string;
      classId: string;
      kinds: LessonChangeKind[];
      before: object;
      after: object;
      reason: string | null;
      changedBy: string;
    },
  ): Promise<string> {
    const [r] = await tx.query(
      `INSERT INTO lesson_changes (lesson_id, school_id, class_id, kinds, before, after, reason, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        row.lessonId,
        row.schoolId,
        row.classId,
        row.kinds,
        JSON.stringify(row.before),
        JSON.stringify(row.after),
        row.reason,
        row.changedBy,
      ],
    );
    return String(r.id);
  }

  /** Change history, newest first, keyset-paginated by id. */
  async findChanges(where: { lessonId?: string; classId?: string }, cursor: string | null, limit: number) {
    return this.db.query(
      `SELECT lc.id::text AS id, lc.lesson_id, lc.kinds, lc.before, lc.after, lc.reason, lc.changed_at,
              lc.changed_by, ${userShortNameSql('lc.changed_by')} AS changed_by_name
         FROM lesson_changes lc
        WHERE ${where.lessonId ? 'lc.lesson_id = $1' : 'lc.class_id = $1'} AND ($2::bigint IS NULL OR lc.id < $2)
        ORDER BY lc.id DESC LIMIT $3`,
      [where.lessonId ?? where.classId, cursor, limit],
    ) as Promise<LessonChangeRow[]>;
  }

  // ---- for the grades and homework modules -----------------------------------------------------

  /** Lesson facts other modules need to check a write (no access check here). */
  async findLessonFacts(id: string, manager?: EntityManager): Promise<LessonFacts | null> {
    const [row] = await (manager ?? this.db.manager).query(
      `SELECT id, school_id AS "schoolId", class_id AS "classId", subject_id AS "subjectId", teacher_id AS "teacherId",
              substitute_teacher_id AS "substituteTeacherId", to_char(date, 'YYYY-MM-DD') AS date, status, starts_at AS "startsAt"
         FROM lessons WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Lessons of a class and subject in a date range, in order (the journal's columns). */
  async findClassSubjectLessons(classId: string, subjectId: string, from: string, to: string): Promise<LessonFacts[]> {
    return this.db.query(
      `SELECT id, school_id AS "schoolId", class_id AS "classId", subject_id AS "subjectId", teacher_id AS "teacherId",
              substitute_teacher_id AS "substituteTeacherId", to_char(date, 'YYYY-MM-DD') AS date, status, starts_at AS "startsAt",
              to_char(start_time, 'HH24:MI') AS "startTime", topic
         FROM lessons WHERE class_id = $1 AND subject_id = $2 AND date BETWEEN $3 AND $4
        ORDER BY date, start_time LIMIT 2000`,
      [classId, subjectId, from, to],
    );
  }

  /** First scheduled lesson of class + subject on each given date (grade import links rows to lessons). */
  async findFirstLessonsByDate(
    classId: string,
    from: string,
    to: string,
  ): Promise<Array<{ id: string; subject_id: string; date: string }>> {
    return this.db.query(
      `SELECT DISTINCT ON (subject_id, date) id, subject_id, to_char(date, 'YYYY-MM-DD') AS date
         FROM lessons WHERE class_id = $1 AND date BETWEEN $2 AND $3 AND status = 'scheduled'
        ORDER BY subject_id, date, start_time`,
      [classId, from, to],
    );
  }
}
