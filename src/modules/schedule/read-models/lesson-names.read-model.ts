/**
 * Read model of the schedule module: a lesson as every view shows it, with names, and the names in a lesson's change
 * history. It reads, besides the schedule's own `lessons` and `lesson_changes`, tables of other modules and never
 * writes them:
 * - `classes` and `subjects` (schools module): the class's and the subject's name;
 * - `users` (users module): the short names of the teacher, the covering teacher and whoever changed a lesson.
 * Why a join and not the owners' services: every lesson list (feeds, a day, the week views) carries these names, and
 * joining them in the lesson query keeps each view at one query instead of one more per module.
 */

/** "Иванова М. П." from the name columns of alias `u`. */
export const shortName = (u: string): string =>
  `${u}.last_name || ' ' || left(${u}.first_name, 1) || '.' || COALESCE(' ' || left(${u}.middle_name, 1) || '.', '')`;

/** The columns of a LessonRow, from `lessons l` with LESSON_JOINS. */
export const LESSON_COLUMNS = `
  l.id, l.school_id, l.class_id, c.name AS class_name, l.subject_id, sub.name AS subject_name,
  l.teacher_id, ${shortName('t')} AS teacher_name,
  l.substitute_teacher_id, CASE WHEN st.id IS NULL THEN NULL ELSE ${shortName('st')} END AS substitute_name,
  to_char(l.date, 'YYYY-MM-DD') AS date, to_char(l.start_time, 'HH24:MI') AS start_time, to_char(l.end_time, 'HH24:MI') AS end_time,
  l.starts_at, l.room, l.group_name, l.topic, l.status`;

/** The names a lesson row shows: its class, subject, teacher and covering teacher. */
export const LESSON_JOINS = `
  JOIN classes c ON c.id = l.class_id
  JOIN subjects sub ON sub.id = l.subject_id
  JOIN users t ON t.id = l.teacher_id
  LEFT JOIN users st ON st.id = l.substitute_teacher_id`;

/** The short name of the user `idExpr` (who changed a lesson), NULL when there is none. */
export const userShortNameSql = (idExpr: string): string => `(SELECT ${shortName('u')} FROM users u WHERE u.id = ${idExpr})`;
