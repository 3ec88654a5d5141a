// One file, because the matrix is one table: its seed, its rules and its lines must be read together.
import {
  adminScope,
  announcementAudienceAllowed,
  announcementClassSendableSql,
  assignableRoles,
  announcementManagedSql,
  announcementReadableSql,
  attendanceReadableSql,
  attendanceWritableSql,
  classReadableSql,
  classTimetableWritableSql,
  contactSql,
  conversationMemberSql,
  currentStudentWorkSql,
  gradeReadableSql,
  teachesInClassSql,
  classGradeFeedReadableSql,
  gradeWritableSql,
  groupMemberRemovableBy,
  groupMembersAddableBy,
  homeworkAssignableSql,
  homeworkReadableSql,
  homeworkReviewableSql,
  homeworkSubmittableSql,
  homeworkWritableSql,
  journalReadableSql,
  lessonReadableSql,
  lessonWritableSql,
  schoolAdminSql,
  schoolReadableSql,
  SqlCondition,
  studentWorkReadableSql,
  teacherReadableSql,
  userAdministeredBy,
  userAdministeredSql,
  visibleStudentSql,
} from '../../src/access';
import { Principal } from '../../src/common/auth/principal';
import { ALL_ROLES, Role, SCHOOL_ROLES } from '../../src/common/auth/role';
import {
  assignTeacher,
  linkParent,
  makeClass,
  makeClassTeacher,
  makeLesson,
  makeRegion,
  makeSchool,
  makeSubject,
  makeUser,
} from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * The access matrix: role × relation × resource × action → allowed, for every kind of row the diary guards. Each
 * line names a rule of src/access, a target row and who may; every actor not named is refused. The rules are
 * evaluated as they are used, as SQL conditions executed by PostgreSQL on seeded rows, never re-implemented here.
 *
 * One school (A, region R1) with class 7А (math and physics) and class 7Б; a school B in another region.
 */
const ACTORS = {
  student: 'student of 7А',
  parent: 'parent of the 7А student',
  mathTeacher: 'teacher of math in 7А',
  physicsTeacher: 'teacher of physics in 7А',
  classTeacher: 'class teacher of 7А (teaches nothing there)',
  substitute: 'teacher covering one physics lesson of 7А, no assignment',
  otherTeacher: 'teacher of math in 7Б',
  otherStudent: 'student of 7Б',
  otherParent: 'parent of the 7Б student',
  schoolAdmin: 'school admin of A',
  regionAdmin: 'region admin of R1 (school A)',
  otherSchoolAdmin: 'school admin of B (region R2)',
  platformAdmin: 'platform admin',
} as const;
type Actor = keyof typeof ACTORS;
const ALL = Object.keys(ACTORS) as Actor[];
const except = (...no: Actor[]): Actor[] => ALL.filter((a) => !no.includes(a));
const ADMINS_OF_A: Actor[] = ['schoolAdmin', 'regionAdmin', 'platformAdmin'];

/** A check: the FROM clause and key condition of the target row, and the rule applied to it. */
interface Check {
  from: string;
  rule: (p: Principal) => SqlCondition;
}
const on = (from: string, rule: (p: Principal) => SqlCondition): Check => ({ from, rule });

/** resource kind → action → check. `:target` (and `:subject`) are the seeded row's ids. */
const RULES: Record<string, Record<string, Check>> = {
  school: {
    administer: on('schools s WHERE s.id = :target', (p) => schoolAdminSql(p, 's.id')),
    'read settings': on('schools s WHERE s.id = :target', (p) => schoolReadableSql(p, 's.id')),
  },
  user: {
    administer: on('users u LEFT JOIN schools s ON s.id = u.school_id WHERE u.id = :target', (p) => userAdministeredSql(p, 'u', 's')),
  },
  student: {
    see: on(`users u WHERE u.id = :target AND 'student' = ANY(u.roles)`, (p) => visibleStudentSql(p, 'u')),
  },
  class: {
    read: on('classes c WHERE c.id = :target', (p) => classReadableSql(p, 'c.id')),
    'change timetable': on('classes c WHERE c.id = :target', (p) => classTimetableWritableSql(p, 'c')),
    'read journal': on('classes c WHERE c.id = :target', (p) => journalReadableSql(p, 'c', 'CAST(:subject AS uuid)')),
  },
  lesson: {
    read: on('lessons l WHERE l.id = :target', (p) => lessonReadableSql(p, 'l')),
    change: on('lessons l WHERE l.id = :target', (p) => lessonWritableSql(p, 'l')),
  },
  'teacher week': {
    read: on('users u WHERE u.id = :target', (p) => teacherReadableSql(p, 'u')),
  },
  grade: {
    read: on('grades g WHERE g.id = :target', (p) => gradeReadableSql(p, 'g')),
    change: on('grades g WHERE g.id = :target', (p) => gradeWritableSql(p, 'g')),
    'read class feed': on('classes c WHERE c.id = :target', (p) => classGradeFeedReadableSql(p, 'c')),
    'import into class': on('classes c WHERE c.id = :target', (p) => teachesInClassSql(p, 'c.id')),
  },
  attendance: {
    read: on('attendance a WHERE a.id = :target', (p) => attendanceReadableSql(p, 'a')),
    change: on('attendance a WHERE a.id = :target', (p) => attendanceWritableSql(p, 'a')),
  },
  homework: {
    read: on('homework h WHERE h.id = :target', (p) => homeworkReadableSql(p, 'h')),
    change: on('homework h WHERE h.id = :target', (p) => homeworkWritableSql(p, 'h')),
    'set for class and subject': on('classes c WHERE c.id = :target', (p) => homeworkAssignableSql(p, 'c.id', 'CAST(:subject AS uuid)')),
    'review statuses': on('homework h WHERE h.id = :target', (p) => homeworkReviewableSql(p, 'h')),
    'hand in': on('homework h WHERE h.id = :target', (p) => homeworkSubmittableSql(p, 'h')),
  },
  'homework file': {
    download: on('homework_files f JOIN homework h ON h.id = f.homework_id WHERE f.id = :target', (p) => homeworkReadableSql(p, 'h')),
  },
  submission: {
    read: on('homework_submissions s JOIN homework h ON h.id = s.homework_id WHERE s.id = :target', (p) =>
      studentWorkReadableSql(p, 'h', 's.student_id'),
    ),
  },
  'homework comment': {
    read: on('homework_comments hc JOIN homework h ON h.id = hc.homework_id WHERE hc.id = :target', (p) =>
      studentWorkReadableSql(p, 'h', 'hc.student_id'),
    ),
    'write, view submission': on('homework h WHERE h.id = :target', (p) => currentStudentWorkSql(p, 'h', 'CAST(:subject AS uuid)')),
  },
  contact: {
    'write to': on('users u WHERE u.id = :target', (p) => contactSql(p, 'u')),
  },
  conversation: {
    'read and write': on('conversations cv WHERE cv.id = :target', (p) => conversationMemberSql(p, 'cv.id')),
  },
  message: {
    read: on('messages m WHERE m.id = CAST(:target AS bigint)', (p) => conversationMemberSql(p, 'm.conversation_id')),
  },
  announcement: {
    'send to class': on('classes c WHERE c.id = :target', (p) => announcementClassSendableSql(p, 'c')),
    manage: on('announcements an WHERE an.id = :target', (p) => announcementManagedSql(p, 'an')),
    read: on('announcements an WHERE an.id = :target', (p) => announcementReadableSql(p, 'an.id')),
  },
};

/** [resource kind, action, target (a seeded row), who may]. Everyone else may not. */
type Line = [string, string, string, Actor[]];
const MATRIX: Line[] = [
  ['school', 'administer', 'school A', ADMINS_OF_A],
  ['school', 'administer', 'school B', ['otherSchoolAdmin', 'platformAdmin']],
  ['school', 'read settings', 'school A', except('otherSchoolAdmin')],
  ['user', 'administer', 'the 7А student', ADMINS_OF_A],
  ['user', 'administer', 'the region admin (no school)', ['regionAdmin', 'platformAdmin']],
  ['user', 'administer', 'school B admin', ['otherSchoolAdmin', 'platformAdmin']],
  ['student', 'see', 'the 7А student', ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['student', 'see', 'the 7Б student', ['otherStudent', 'otherParent', 'otherTeacher', ...ADMINS_OF_A]],
  ['class', 'read', '7А', ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['class', 'read', '7Б', ['otherStudent', 'otherParent', 'otherTeacher', ...ADMINS_OF_A]],
  ['class', 'change timetable', '7А', ADMINS_OF_A],
  ['class', 'read journal', '7А math', ['mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['class', 'read journal', '7А physics', ['physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['lesson', 'read', '7А math lesson', ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  [
    'lesson',
    'read',
    '7А physics lesson (covered)',
    ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', 'substitute', ...ADMINS_OF_A],
  ],
  ['lesson', 'change', '7А physics lesson (covered)', ADMINS_OF_A],
  ['teacher week', 'read', "the math teacher's week", ['mathTeacher', ...ADMINS_OF_A]],
  ['grade', 'read', 'math mark of the 7А student', ['student', 'parent', 'mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  [
    'grade',
    'read',
    'physics mark at the covered lesson',
    ['student', 'parent', 'physicsTeacher', 'classTeacher', 'substitute', ...ADMINS_OF_A],
  ],
  ['grade', 'change', 'math mark of the 7А student', ['mathTeacher']],
  ['grade', 'change', 'physics mark at the covered lesson', ['physicsTeacher', 'substitute']],
  ['grade', 'read class feed', '7А', ['mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['grade', 'import into class', '7А', ['mathTeacher', 'physicsTeacher']],
  ['attendance', 'read', 'math attendance mark', ['student', 'parent', 'mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  [
    'attendance',
    'read',
    'physics attendance mark (covered lesson)',
    ['student', 'parent', 'physicsTeacher', 'classTeacher', 'substitute', ...ADMINS_OF_A],
  ],
  ['attendance', 'change', 'math attendance mark', ['mathTeacher']],
  ['homework', 'read', '7А math homework', ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['homework', 'change', '7А math homework', ['mathTeacher']],
  ['homework', 'set for class and subject', '7А physics', ['physicsTeacher']],
  ['homework', 'review statuses', '7А math homework', ['mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['homework', 'hand in', '7А math homework', ['student']],
  [
    'homework file',
    'download',
    'attachment of the 7А math homework',
    ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', ...ADMINS_OF_A],
  ],
  ['submission', 'read', "the 7А student's submission", ['student', 'parent', 'mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  ['homework comment', 'read', "comment on the 7А student's work", ['student', 'parent', 'mathTeacher', 'classTeacher', ...ADMINS_OF_A]],
  [
    'homework comment',
    'write, view submission',
    "7А math homework, the 7А student's work",
    ['student', 'parent', 'mathTeacher', 'classTeacher', ...ADMINS_OF_A],
  ],
  ['homework comment', 'write, view submission', "7А math homework, the 7Б student's work (not in the class)", []],
  [
    'contact',
    'write to',
    'the math teacher',
    ['student', 'parent', 'physicsTeacher', 'classTeacher', 'substitute', 'otherTeacher', 'schoolAdmin'],
  ],
  ['contact', 'write to', 'the 7Б student', ['otherTeacher', 'schoolAdmin']],
  [
    'contact',
    'write to',
    'school A admin',
    ['student', 'parent', 'mathTeacher', 'physicsTeacher', 'classTeacher', 'substitute', 'otherTeacher', 'otherStudent', 'otherParent'],
  ],
  ['conversation', 'read and write', 'direct: 7А student and math teacher', ['student', 'mathTeacher']],
  ['message', 'read', 'message of that conversation', ['student', 'mathTeacher']],
  ['announcement', 'send to class', '7А', ['classTeacher', 'schoolAdmin']],
  ['announcement', 'send to class', '7Б', ['schoolAdmin']],
  ['announcement', 'manage', "class teacher's announcement to 7А", ['classTeacher', 'schoolAdmin']],
  ['announcement', 'read', "class teacher's announcement to 7А", ['student', 'parent']],
];

/** Every kind of row the diary guards must have a line. */
const KINDS = [
  'student',
  'class',
  'lesson',
  'grade',
  'attendance',
  'homework',
  'homework file',
  'submission',
  'homework comment',
  'conversation',
  'message',
  'announcement',
  'contact',
  'school',
  'user',
  'teacher week',
];

describe('access matrix (src/access, evaluated by PostgreSQL)', () => {
  let t: TestApp;
  const principals = {} as Record<Actor, Principal>;
  const targets: Record<string, { target: string; subject?: string }> = {};
  const users: Record<string, { school: { id: string; regionId: string } | null; regionId: string | null }> = {};

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    const db = t.db;
    const r1 = await makeRegion(db);
    const schoolA = await makeSchool(db, { regionId: r1.id });
    const schoolB = await makeSchool(db);
    const a1 = await makeClass(db, { schoolId: schoolA.id, name: '7А' });
    const a2 = await makeClass(db, { schoolId: schoolA.id, name: '7Б' });
    const math = await makeSubject(db, { schoolId: schoolA.id, name: 'Математика' });
    const physics = await makeSubject(db, { schoolId: schoolA.id, name: 'Физика' });
    const inA = { schoolId: schoolA.id };
    const made = {
      student: await makeUser(db, { ...inA, roles: [Role.Student], classId: a1.id }),
      parent: await makeUser(db, { ...inA, roles: [Role.Parent] }),
      mathTeacher: await makeUser(db, { ...inA, roles: [Role.Teacher] }),
      physicsTeacher: await makeUser(db, { ...inA, roles: [Role.Teacher] }),
      classTeacher: await makeUser(db, { ...inA, roles: [Role.Teacher] }),
      substitute: await makeUser(db, { ...inA, roles: [Role.Teacher] }),
      otherTeacher: await makeUser(db, { ...inA, roles: [Role.Teacher] }),
      otherStudent: await makeUser(db, { ...inA, roles: [Role.Student], classId: a2.id }),
      otherParent: await makeUser(db, { ...inA, roles: [Role.Parent] }),
      schoolAdmin: await makeUser(db, { ...inA, roles: [Role.SchoolAdmin] }),
      regionAdmin: await makeUser(db, { roles: [Role.RegionAdmin], regionId: r1.id }),
      otherSchoolAdmin: await makeUser(db, { schoolId: schoolB.id, roles: [Role.SchoolAdmin] }),
      platformAdmin: await makeUser(db, { roles: [Role.PlatformAdmin] }),
    };
    await linkParent(db, made.parent.id, made.student.id);
    await linkParent(db, made.otherParent.id, made.otherStudent.id);
    await assignTeacher(db, made.mathTeacher.id, a1.id, math.id);
    await assignTeacher(db, made.physicsTeacher.id, a1.id, physics.id);
    await assignTeacher(db, made.otherTeacher.id, a2.id, math.id);
    await makeClassTeacher(db, made.classTeacher.id, a1.id);
    for (const actor of ALL) {
      const [u] = await db.query('SELECT id, roles, school_id, region_id FROM users WHERE id = $1', [made[actor].id]);
      principals[actor] = { userId: u.id, sessionId: 'matrix', roles: u.roles, schoolId: u.school_id, regionId: u.region_id };
    }

    const mathLesson = await makeLesson(db, {
      schoolId: schoolA.id,
      classId: a1.id,
      subjectId: math.id,
      teacherId: made.mathTeacher.id,
      date: '2026-11-23',
    });
    const physicsLesson = await makeLesson(db, {
      schoolId: schoolA.id,
      classId: a1.id,
      subjectId: physics.id,
      teacherId: made.physicsTeacher.id,
      substituteTeacherId: made.substitute.id,
      date: '2026-11-23',
      startTime: '10:00',
      endTime: '10:45',
    });
    const one = async (sql: string, params: unknown[]): Promise<string> => String((await db.query(sql, params))[0].id);
    const grade = (subjectId: string, lessonId: string, by: string) =>
      one(
        `INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight, entered_by)
         VALUES ($1, $2, $3, $4, $5, '2026-11-23', 'five_point', 5, 'answer', 1, $6) RETURNING id`,
        [schoolA.id, made.student.id, a1.id, subjectId, lessonId, by],
      );
    const attendance = (subjectId: string, lessonId: string, by: string) =>
      one(
        `INSERT INTO attendance (lesson_id, student_id, class_id, subject_id, school_id, date, status, marked_by)
         VALUES ($1, $2, $3, $4, $5, '2026-11-23', 'absent', $6) RETURNING id`,
        [lessonId, made.student.id, a1.id, subjectId, schoolA.id, by],
      );
    const homework = await one(
      `INSERT INTO homework (school_id, class_id, subject_id, lesson_id, teacher_id, text, due_date, due_at)
       VALUES ($1, $2, $3, $4, $5, 'Задачи 1–5', '2026-11-30', now()) RETURNING id`,
      [schoolA.id, a1.id, math.id, mathLesson.id, made.mathTeacher.id],
    );
    const conversation = await one(
      `INSERT INTO conversations (kind, school_id, created_by, direct_key) VALUES ('direct', $1, $2, $3) RETURNING id`,
      [schoolA.id, made.student.id, `${made.student.id}:${made.mathTeacher.id}`],
    );
    await db.query('INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2), ($1, $3)', [
      conversation,
      made.student.id,
      made.mathTeacher.id,
    ]);
    const announcement = await one(
      `INSERT INTO announcements (school_id, sender_id, audience, class_id, title, body, recipient_count)
       VALUES ($1, $2, 'class', $3, 'Собрание', 'В четверг в 18:00', 2) RETURNING id`,
      [schoolA.id, made.classTeacher.id, a1.id],
    );
    await db.query('INSERT INTO announcement_recipients (announcement_id, user_id, created_at) VALUES ($1, $2, now()), ($1, $3, now())', [
      announcement,
      made.student.id,
      made.parent.id,
    ]);

    Object.assign(targets, {
      'school A': { target: schoolA.id },
      'school B': { target: schoolB.id },
      'the 7А student': { target: made.student.id },
      'the 7Б student': { target: made.otherStudent.id },
      'the region admin (no school)': { target: made.regionAdmin.id },
      'school B admin': { target: made.otherSchoolAdmin.id },
      'school A admin': { target: made.schoolAdmin.id },
      'the math teacher': { target: made.mathTeacher.id },
      "the math teacher's week": { target: made.mathTeacher.id },
      '7А': { target: a1.id },
      '7Б': { target: a2.id },
      '7А math': { target: a1.id, subject: math.id },
      '7А physics': { target: a1.id, subject: physics.id },
      '7А math lesson': { target: mathLesson.id },
      '7А physics lesson (covered)': { target: physicsLesson.id },
      'math mark of the 7А student': { target: await grade(math.id, mathLesson.id, made.mathTeacher.id) },
      'physics mark at the covered lesson': { target: await grade(physics.id, physicsLesson.id, made.substitute.id) },
      'math attendance mark': { target: await attendance(math.id, mathLesson.id, made.mathTeacher.id) },
      'physics attendance mark (covered lesson)': { target: await attendance(physics.id, physicsLesson.id, made.substitute.id) },
      '7А math homework': { target: homework },
      "7А math homework, the 7А student's work": { target: homework, subject: made.student.id },
      "7А math homework, the 7Б student's work (not in the class)": { target: homework, subject: made.otherStudent.id },
      'attachment of the 7А math homework': {
        target: await one(
          `INSERT INTO homework_files (homework_id, storage_key, file_name, content_type, size_bytes, uploaded_by)
           VALUES ($1, 'matrix/1', 'task.pdf', 'application/pdf', 10, $2) RETURNING id`,
          [homework, made.mathTeacher.id],
        ),
      },
      "the 7А student's submission": {
        target: await one(
          `INSERT INTO homework_submissions (homework_id, student_id, text, status, submitted_at) VALUES ($1, $2, 'Готово', 'submitted', now()) RETURNING id`,
          [homework, made.student.id],
        ),
      },
      "comment on the 7А student's work": {
        target: await one(
          `INSERT INTO homework_comments (homework_id, student_id, author_id, body) VALUES ($1, $2, $2, 'Вопрос') RETURNING id`,
          [homework, made.student.id],
        ),
      },
      'direct: 7А student and math teacher': { target: conversation },
      'message of that conversation': {
        target: await one(`INSERT INTO messages (conversation_id, sender_id, body) VALUES ($1, $2, 'Здравствуйте') RETURNING id`, [
          conversation,
          made.student.id,
        ]),
      },
      "class teacher's announcement to 7А": { target: announcement },
    });
    const placed = await db.query(
      'SELECT u.id, u.region_id, s.id AS school_id, s.region_id AS school_region FROM users u LEFT JOIN schools s ON s.id = u.school_id',
    );
    for (const u of placed) {
      users[u.id] = { school: u.school_id ? { id: u.school_id, regionId: u.school_region } : null, regionId: u.region_id };
    }
  });
  afterAll(() => t.close());

  const allowed = async (actor: Actor, check: Check, target: { target: string; subject?: string }): Promise<boolean> => {
    const rule = check.rule(principals[actor]);
    const [sql, values] = t.db.driver.escapeQueryWithParameters(`SELECT 1 AS ok FROM ${check.from} AND ${rule.sql}`, {
      ...rule.params,
      target: target.target,
      subject: target.subject ?? null,
    });
    const rows = await t.db.query(sql, values);
    return rows.length > 0;
  };

  it('has a line for every kind of row, and every rule it names exists and has a seeded target', () => {
    expect(KINDS.filter((k) => !MATRIX.some(([kind]) => kind === k))).toEqual([]);
    for (const [kind, action, target] of MATRIX) {
      expect({ kind, action, known: !!RULES[kind]?.[action], target, seeded: !!targets[target] }).toEqual({
        kind,
        action,
        known: true,
        target,
        seeded: true,
      });
    }
    const used = new Set(MATRIX.map(([kind, action]) => `${kind}/${action}`));
    const unused = Object.entries(RULES)
      .flatMap(([kind, actions]) => Object.keys(actions).map((a) => `${kind}/${a}`))
      .filter((k) => !used.has(k));
    expect(unused).toEqual([]);
  });

  it.each(MATRIX)('%s · %s · %s', async (kind, action, target, who) => {
    const check = RULES[kind][action];
    const result: Record<string, string> = {};
    for (const actor of ALL) result[`${actor} (${ACTORS[actor]})`] = (await allowed(actor, check, targets[target])) ? 'allowed' : 'denied';
    const expected: Record<string, string> = {};
    for (const actor of ALL) expected[`${actor} (${ACTORS[actor]})`] = who.includes(actor) ? 'allowed' : 'denied';
    expect(result).toEqual(expected);
  });

  it('lets each admin hand out the roles of their own level only (user.access.ts assignableRoles)', () => {
    const expected = (actor: Actor): readonly Role[] =>
      actor === 'platformAdmin'
        ? ALL_ROLES
        : actor === 'regionAdmin'
          ? ALL_ROLES.filter((r) => r !== Role.PlatformAdmin)
          : actor === 'schoolAdmin' || actor === 'otherSchoolAdmin'
            ? SCHOOL_ROLES
            : [];
    for (const actor of ALL) {
      expect({ actor, roles: [...assignableRoles(adminScope(principals[actor]))].sort() }).toEqual({
        actor,
        roles: [...expected(actor)].sort(),
      });
    }
  });

  it('administers users in memory by the same rule as in SQL', async () => {
    const check = RULES.user.administer;
    for (const target of ['the 7А student', 'the region admin (no school)', 'school B admin']) {
      const id = targets[target].target;
      for (const actor of ALL) {
        expect({ actor, target, inMemory: userAdministeredBy(principals[actor], users[id]) }).toEqual({
          actor,
          target,
          inMemory: await allowed(actor, check, targets[target]),
        });
      }
    }
  });

  it("lets a group's creator add members and remove anyone, a member only leave (conversation.access.ts, on the loaded group)", () => {
    const creator = principals.mathTeacher;
    const member = principals.student;
    const other = principals.parent;
    const group = { created_by: creator.userId };
    const orphan = { created_by: null };
    const cases: Array<[string, boolean, boolean]> = [
      ['the creator adds members', groupMembersAddableBy(creator, group), true],
      ['a member adds members', groupMembersAddableBy(member, group), false],
      ['anyone adds to a group whose creator is gone', groupMembersAddableBy(member, orphan), false],
      ['a member leaves', groupMemberRemovableBy(member, group, member.userId), true],
      ['a member removes someone else', groupMemberRemovableBy(member, group, other.userId), false],
      ['a member leaves a group whose creator is gone', groupMemberRemovableBy(member, orphan, member.userId), true],
      ['the creator removes a member', groupMemberRemovableBy(creator, group, member.userId), true],
      ['the creator leaves', groupMemberRemovableBy(creator, group, creator.userId), true],
    ];
    expect(Object.fromEntries(cases.map(([what, got]) => [what, got]))).toEqual(
      Object.fromEntries(cases.map(([what, , want]) => [what, want])),
    );
  });

  it('lets only a school admin announce to the whole school or to a role; a class by its own rule (conversation.access.ts)', () => {
    for (const actor of ALL) {
      const admin = actor === 'schoolAdmin' || actor === 'otherSchoolAdmin';
      for (const audience of ['school', 'role', 'class']) {
        expect({ actor, audience, allowed: announcementAudienceAllowed(principals[actor], audience) }).toEqual({
          actor,
          audience,
          allowed: audience === 'class' || admin,
        });
      }
    }
  });
});
