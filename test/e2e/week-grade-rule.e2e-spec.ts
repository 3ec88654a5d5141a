import { Role } from '../../src/common/auth/role';
import {
  assignTeacher,
  bearer,
  linkParent,
  login,
  makeClass,
  makeClassTeacher,
  makeLesson,
  makeSchool,
  makeSubject,
  makeUser,
  MadeUser,
} from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * "Who sees which grades" (docs/domain.md): a student's week shows the marks and attendance by the same rule as
 * GET /grades/students/:id. A subject teacher sees the marks of the subjects they teach in the class; the class
 * teacher, the student, the parents and the school admin see them all. The week is cached, so the test also reads
 * it as different people in turn and checks that nobody gets another's copy.
 */
describe('week view: the grade rule', () => {
  let t: TestApp;
  let student: MadeUser;
  let mathTeacher: MadeUser;
  let classId: string;
  let physicsId: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    const school = await makeSchool(t.db);
    classId = (await makeClass(t.db, { schoolId: school.id, academicYear: 2026 })).id;
    const math = await makeSubject(t.db, { schoolId: school.id, name: 'Математика' });
    const physics = await makeSubject(t.db, { schoolId: school.id, name: 'Физика' });
    physicsId = physics.id;
    mathTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    const physicsTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    const classTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    await assignTeacher(t.db, mathTeacher.id, classId, math.id);
    await assignTeacher(t.db, physicsTeacher.id, classId, physics.id);
    await makeClassTeacher(t.db, classTeacher.id, classId);
    student = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id, classId });
    const parent = await makeUser(t.db, { roles: [Role.Parent], schoolId: school.id });
    await linkParent(t.db, parent.id, student.id);
    const admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });

    const mathLesson = await makeLesson(t.db, {
      schoolId: school.id,
      classId,
      subjectId: math.id,
      teacherId: mathTeacher.id,
      date: '2026-11-23',
      startTime: '09:00',
      endTime: '09:45',
    });
    const physicsLesson = await makeLesson(t.db, {
      schoolId: school.id,
      classId,
      subjectId: physics.id,
      teacherId: physicsTeacher.id,
      date: '2026-11-23',
      startTime: '10:00',
      endTime: '10:45',
    });
    ids.mathLesson = mathLesson.id;
    ids.physicsLesson = physicsLesson.id;
    const grade = async (subjectId: string, lessonId: string | null, date: string, value: number, by: string): Promise<string> => {
      const [r] = await t.db.query(
        `INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight, entered_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'five_point', $7, 'answer', 1, $8) RETURNING id`,
        [school.id, student.id, classId, subjectId, lessonId, date, value, by],
      );
      return r.id;
    };
    ids.mathGrade = await grade(math.id, mathLesson.id, '2026-11-23', 5, mathTeacher.id);
    ids.physicsGrade = await grade(physics.id, physicsLesson.id, '2026-11-23', 3, physicsTeacher.id);
    ids.mathOther = await grade(math.id, null, '2026-11-24', 4, mathTeacher.id);
    ids.physicsOther = await grade(physics.id, null, '2026-11-25', 2, physicsTeacher.id);
    const absence = (lessonId: string, subjectId: string, status: string, by: string) =>
      t.db.query(
        `INSERT INTO attendance (lesson_id, student_id, class_id, subject_id, school_id, date, status, marked_by)
         VALUES ($1, $2, $3, $4, $5, '2026-11-23', $6, $7)`,
        [lessonId, student.id, classId, subjectId, school.id, status, by],
      );
    await absence(mathLesson.id, math.id, 'late', mathTeacher.id);
    await absence(physicsLesson.id, physics.id, 'absent', physicsTeacher.id);

    const people = { student, parent, mathTeacher, physicsTeacher, classTeacher, admin };
    for (const [name, u] of Object.entries(people)) tokens[name] = (await login(t, u)).accessToken;
  });
  afterAll(() => t.close());

  /** What one person's week of the student shows: mark ids per lesson, attendance per lesson, marks off lessons. */
  const seenBy = async (who: string) => {
    const res = await t.http.get(`/api/v1/schedule/students/${student.id}/week?week=2026-W48`).set(bearer(tokens[who])).expect(200);
    const lessons = res.body.days[0].lessons as Array<{ id: string; grades: Array<{ id: string }>; attendance: { status: string } | null }>;
    const at = (id: string) => lessons.find((l) => l.id === id)!;
    return {
      math: at(ids.mathLesson).grades.map((g) => g.id),
      physics: at(ids.physicsLesson).grades.map((g) => g.id),
      mathAttendance: at(ids.mathLesson).attendance?.status ?? null,
      physicsAttendance: at(ids.physicsLesson).attendance?.status ?? null,
      other: (res.body.otherGrades as Array<{ id: string }>).map((g) => g.id).sort(),
    };
  };
  const everything = () => ({
    math: [ids.mathGrade],
    physics: [ids.physicsGrade],
    mathAttendance: 'late',
    physicsAttendance: 'absent',
    other: [ids.mathOther, ids.physicsOther].sort(),
  });
  const mathOnly = () => ({
    math: [ids.mathGrade],
    physics: [],
    mathAttendance: 'late',
    physicsAttendance: null,
    other: [ids.mathOther],
  });

  it("shows a subject teacher only their subject's marks and attendance, as the student's grade list does", async () => {
    expect(await seenBy('parent')).toEqual(everything()); // cached first for the family
    expect(await seenBy('mathTeacher')).toEqual(mathOnly());
    expect(await seenBy('physicsTeacher')).toEqual({
      math: [],
      physics: [ids.physicsGrade],
      mathAttendance: null,
      physicsAttendance: 'absent',
      other: [ids.physicsOther],
    });
    const list = await t.http
      .get(`/api/v1/grades/students/${student.id}?from=2026-11-23&to=2026-11-29`)
      .set(bearer(tokens.mathTeacher))
      .expect(200);
    const listed = (list.body.subjects as Array<{ grades: Array<{ id: string }> }>).flatMap((s) => s.grades.map((g) => g.id)).sort();
    expect(listed).toEqual([ids.mathGrade, ids.mathOther].sort());
  });

  it('shows the class teacher, the student, the parents and the school admin every mark', async () => {
    for (const who of ['classTeacher', 'student', 'parent', 'admin', 'mathTeacher', 'classTeacher']) {
      const expected = who === 'mathTeacher' ? mathOnly() : everything();
      expect({ who, seen: await seenBy(who) }).toEqual({ who, seen: expected });
    }
  });

  it('follows a new teaching assignment at once, though no counter of the cached week changed', async () => {
    expect(await seenBy('mathTeacher')).toEqual(mathOnly());
    await assignTeacher(t.db, mathTeacher.id, classId, physicsId);
    expect(await seenBy('mathTeacher')).toEqual(everything());
    await t.db.query('DELETE FROM teacher_assignments WHERE teacher_id = $1 AND subject_id = $2', [mathTeacher.id, physicsId]);
    expect(await seenBy('mathTeacher')).toEqual(mathOnly());
  });
});
