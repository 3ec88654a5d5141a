/**
 * Every row rule of the diary: who may see or change which rows, as SQL conditions evaluated by PostgreSQL (deny by
 * default; a row outside them reads as 404). Roles say what kind of action (the `@Roles` guard); these say on which
 * rows. The folder sits below the feature modules: it imports only `common/auth`, and features import it, never
 * each other's rules. One file per resource kind:
 *
 * - school.access.ts       admin scope (platform / region / school), a school's admins, who reads a school's settings
 * - user.access.ts         user administration (which accounts an admin manages, which roles each admin may give)
 * - student.access.ts      which students the caller sees (self, children, taught or led classes, admins)
 * - class.access.ts        who reads a class (timetable, history, week, homework list); who changes its timetable
 * - lesson.access.ts       who reads a lesson (the class's readers, the covering teacher), who changes it; teachers' weeks
 * - grade.access.ts        marks and attendance: write, read (the one rule of every view of a student's marks),
 *                          the class journal, and the audience key of cached views of marks
 * - homework.access.ts     homework, its files, a student's submission and comments (and whether the student is a
 *                          current one of the class), the teacher's overview
 * - conversation.access.ts contacts, conversation membership (messages, files), who manages a group, who announces to
 *                          which audience, announcements
 *
 * Parameter names carry a per-file prefix so several conditions combine in one statement. The whole matrix
 * (role × relation × resource → allowed) is tested against PostgreSQL in test/e2e/access-matrix.e2e-spec.ts; the rules
 * in prose are in docs/domain.md.
 */
export * from './sql-condition';
export * from './school.access';
export * from './user.access';
export * from './student.access';
export * from './class.access';
export * from './lesson.access';
export * from './grade.access';
export * from './homework.access';
export * from './conversation.access';
