import { Role } from '../../src/common/auth/role';
import { assignTeacher, bearer, countQueries, login, makeClass, makeDiaryWorld, makeLesson, makeSubject, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;
const eventsOf = (t: TestApp, aggregateId: string) =>
  t.db.query('SELECT type, payload FROM domain_events WHERE aggregate_id = $1 ORDER BY id', [aggregateId]) as Promise<
    Array<{ type: string; payload: Record<string, unknown> }>
  >;

describe('diary: grades and attendance', () => {
  let t: TestApp;
  let w: World;
  let lesson: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    w = await makeDiaryWorld(t, { students: 3 });
    lesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-23',
    });
  });
  afterAll(() => t.close());

  it('lets the teacher of the class and subject enter single and batch grades, writing events in the same transaction', async () => {
    const one = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 5, workType: 'answer', comment: 'Молодец' })
      .expect(201);
    expect(one.body).toMatchObject({
      studentId: w.students[0].id,
      lessonId: lesson.id,
      date: '2026-11-23',
      value: 5,
      scale: 'five_point',
      workType: 'answer',
      weight: 1,
      deleted: false,
    });
    const [created] = await eventsOf(t, one.body.id);
    expect(created).toEqual({
      type: 'grade.created',
      payload: expect.objectContaining({ gradeId: one.body.id, studentId: w.students[0].id, value: 5 }),
    });
    expect(JSON.stringify(created.payload)).not.toContain('Молодец');

    const batch = await t.http
      .post('/api/v1/grades/batch')
      .set(bearer(w.tokens.teacher))
      .send({
        lessonId: lesson.id,
        grades: [
          { studentId: w.students[1].id, value: 4, workType: 'control' },
          { studentId: w.students[2].id, value: 3, workType: 'test' },
        ],
      })
      .expect(201);
    expect(batch.body.items.map((g: { weight: number }) => g.weight)).toEqual([2, 1.5]);

    const dateOnly = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ classId: w.cls.id, subjectId: w.subject.id, date: '2026-11-20', studentId: w.students[0].id, value: 3, workType: 'homework' })
      .expect(201);
    expect(dateOnly.body.lessonId).toBeNull();

    // nothing half-written: one bad student in the batch → nothing
    const before = (await t.db.query('SELECT count(*)::int AS n FROM grades'))[0].n;
    const outsider = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: w.school.id,
      classId: (await makeClass(t.db, { schoolId: w.school.id })).id,
    });
    const mixed = await t.http
      .post('/api/v1/grades/batch')
      .set(bearer(w.tokens.teacher))
      .send({
        lessonId: lesson.id,
        grades: [
          { studentId: w.students[1].id, value: 5, workType: 'answer' },
          { studentId: outsider.id, value: 5, workType: 'answer' },
        ],
      });
    expect(mixed.status).toBe(404);
    expect(mixed.body).toMatchObject({ code: 'STUDENT_NOT_FOUND', details: { studentIds: [outsider.id] } });
    expect((await t.db.query('SELECT count(*)::int AS n FROM grades'))[0].n).toBe(before);
  });

  it('refuses what a teacher may not do: a class they do not teach (404), values off the scale, unknown work types, future dates', async () => {
    const otherClass = await makeClass(t.db, { schoolId: w.school.id });
    const otherLesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: otherClass.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-23',
      startTime: '12:00',
      endTime: '12:45',
    });
    const foreign = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: otherLesson.id, studentId: w.students[0].id, value: 5, workType: 'answer' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('LESSON_NOT_FOUND');
    const byClass = await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).send({
      classId: otherClass.id,
      subjectId: w.subject.id,
      date: '2026-11-23',
      studentId: w.students[0].id,
      value: 5,
      workType: 'answer',
    });
    expect(byClass.status).toBe(404);
    // another subject in the same class
    const otherSubject = await makeSubject(t.db, { schoolId: w.school.id });
    expect(
      (
        await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).send({
          classId: w.cls.id,
          subjectId: otherSubject.id,
          date: '2026-11-23',
          studentId: w.students[0].id,
          value: 5,
          workType: 'answer',
        })
      ).status,
    ).toBe(404);

    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(w.tokens.teacher))
          .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 6, workType: 'answer' })
      ).status,
    ).toBe(400);
    const wt = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 4, workType: 'dance' });
    expect(wt.status).toBe(422);
    expect(wt.body.code).toBe('WORK_TYPE_UNKNOWN');
    const pf = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 'pass', workType: 'answer' });
    expect(pf.status).toBe(422);
    expect(pf.body.code).toBe('GRADE_VALUE_NOT_IN_SCALE');
    const future = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2027-03-01',
    });
    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(w.tokens.teacher))
          .send({ lessonId: future.id, studentId: w.students[0].id, value: 4, workType: 'answer' })
      ).body.code,
    ).toBe('DATE_IN_FUTURE');
    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(w.tokens.student))
          .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 5, workType: 'answer' })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(w.tokens.teacher))
          .send({ studentId: w.students[0].id, value: 5, workType: 'answer' })
      ).body.code,
    ).toBe('GRADE_TARGET_REQUIRED');
  });

  it('lets a substitute grade only the lessons they cover', async () => {
    const sub = await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id });
    const covered = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      substituteTeacherId: sub.id,
      date: '2026-11-24',
    });
    const subToken = (await login(t, sub)).accessToken;
    await t.http
      .post('/api/v1/grades')
      .set(bearer(subToken))
      .send({ lessonId: covered.id, studentId: w.students[1].id, value: 4, workType: 'answer' })
      .expect(201);
    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(subToken))
          .send({ lessonId: lesson.id, studentId: w.students[1].id, value: 4, workType: 'answer' })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http.post('/api/v1/grades').set(bearer(subToken)).send({
          classId: w.cls.id,
          subjectId: w.subject.id,
          date: '2026-11-24',
          studentId: w.students[1].id,
          value: 4,
          workType: 'answer',
        })
      ).status,
    ).toBe(404);
  });

  it('honours Idempotency-Key: a repeat returns the first answer and creates nothing; another body is refused', async () => {
    const body = { lessonId: lesson.id, studentId: w.students[2].id, value: 4, workType: 'answer' };
    const key = 'offline-grade-0001';
    const first = await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).set('Idempotency-Key', key).send(body).expect(201);
    const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM grades WHERE student_id = $1', [w.students[2].id]))[0].n;
    const n = await count();
    const again = await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).set('Idempotency-Key', key).send(body).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await count()).toBe(n);
    const [concurrentA, concurrentB] = await Promise.all([
      t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).set('Idempotency-Key', 'offline-grade-0002').send(body),
      t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).set('Idempotency-Key', 'offline-grade-0002').send(body),
    ]);
    expect(concurrentA.body.id).toBe(concurrentB.body.id);
    expect(await count()).toBe(n + 1);
    const reused = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .set('Idempotency-Key', key)
      .send({ ...body, value: 2 });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).set('Idempotency-Key', 'x').send(body)).body.code).toBe(
      'IDEMPOTENCY_KEY_INVALID',
    );

    const marks = { lessonId: lesson.id, marks: [{ studentId: w.students[2].id, status: 'absent', reason: 'Болеет' }] };
    const a1 = await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .set('Idempotency-Key', 'offline-att-0001')
      .send(marks)
      .expect(201);
    const a2 = await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .set('Idempotency-Key', 'offline-att-0001')
      .send(marks)
      .expect(201);
    expect(a2.body).toEqual(a1.body);
    expect(
      (
        await t.http
          .post('/api/v1/attendance')
          .set(bearer(w.tokens.teacher))
          .set('Idempotency-Key', 'offline-att-0001')
          .send({ ...marks, marks: [{ ...marks.marks[0], status: 'late' }] })
      ).status,
    ).toBe(422);
    expect((await eventsOf(t, a1.body.items[0].id)).map((e) => e.type)).toEqual(['attendance.marked']);
  });

  it('keeps corrections and deletions in a history students, parents and admins can read, with old → new events', async () => {
    const g = (
      await t.http
        .post('/api/v1/grades')
        .set(bearer(w.tokens.teacher))
        .send({ lessonId: lesson.id, studentId: w.students[0].id, value: 3, workType: 'answer' })
        .expect(201)
    ).body;
    const fixed = await t.http
      .patch(`/api/v1/grades/${g.id}`)
      .set(bearer(w.tokens.teacher))
      .send({ value: 4, workType: 'control', reason: 'Пересчёт баллов' })
      .expect(200);
    expect(fixed.body).toMatchObject({ value: 4, workType: 'control', weight: 2, version: 2 });
    expect((await t.http.patch(`/api/v1/grades/${g.id}`).set(bearer(w.tokens.teacher)).send({ value: 4 })).body.code).toBe(
      'NOTHING_CHANGED',
    );
    await t.http
      .delete(`/api/v1/grades/${g.id}?reason=${encodeURIComponent('Ошибочно')}`)
      .set(bearer(w.tokens.teacher))
      .expect(204);
    expect((await t.http.patch(`/api/v1/grades/${g.id}`).set(bearer(w.tokens.teacher)).send({ value: 5 })).body.code).toBe(
      'GRADE_NOT_FOUND',
    );

    for (const token of [w.tokens.student, w.tokens.parent, w.tokens.admin, w.tokens.teacher]) {
      const h = await t.http.get(`/api/v1/grades/${g.id}/history`).set(bearer(token)).expect(200);
      expect(h.body.grade).toMatchObject({ id: g.id, deleted: true });
      expect(h.body.changes.map((c: { action: string }) => c.action)).toEqual(['created', 'changed', 'deleted']);
      expect(h.body.changes[0]).toMatchObject({
        after: { value: 3, workType: 'answer' },
        changedBy: w.teacherUser.id,
        changedByName: 'Учителева М. П.',
      });
      expect(h.body.changes[1]).toMatchObject({
        before: { value: 3, workType: 'answer', weight: 1 },
        after: { value: 4, workType: 'control', weight: 2 },
        reason: 'Пересчёт баллов',
      });
    }
    const otherParent = (await login(t, await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id }))).accessToken;
    expect((await t.http.get(`/api/v1/grades/${g.id}/history`).set(bearer(otherParent))).status).toBe(404);
    const classmate = (await login(t, w.students[1])).accessToken;
    expect((await t.http.get(`/api/v1/grades/${g.id}/history`).set(bearer(classmate))).status).toBe(404);

    const page = await t.http.get(`/api/v1/grades/history?studentId=${w.students[0].id}&limit=1`).set(bearer(w.tokens.parent)).expect(200);
    expect(page.body.items[0]).toMatchObject({ gradeId: g.id, action: 'deleted', reason: 'Ошибочно' });
    const next = await t.http
      .get(`/api/v1/grades/history?studentId=${w.students[0].id}&limit=1&cursor=${page.body.nextCursor}`)
      .set(bearer(w.tokens.parent))
      .expect(200);
    expect(next.body.items[0].action).toBe('changed');

    const evs = await eventsOf(t, g.id);
    expect(evs.map((e) => e.type)).toEqual(['grade.created', 'grade.changed', 'grade.deleted']);
    expect(evs[1].payload).toMatchObject({ old: { value: 3, workType: 'answer' }, new: { value: 4, workType: 'control' }, version: 2 });
  });

  it('serves ?since= feeds with only what changed (deletions included)', async () => {
    const feedUntilNonEmpty = async (url: string) => {
      for (let i = 0; ; i++) {
        const res = await t.http.get(url).set(bearer(w.tokens.teacher)).expect(200);
        if (res.body.items.length > 0 || i >= 150) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const initial = await feedUntilNonEmpty(`/api/v1/grades/changes?studentId=${w.students[1].id}`);
    expect(initial.body.items.length).toBeGreaterThan(0);
    const seen = new Set<string>(initial.body.items.map((x: { id: string }) => x.id));
    const cursor = initial.body.nextCursor;
    const again = await t.http
      .get(`/api/v1/grades/changes?studentId=${w.students[1].id}&since=${cursor}`)
      .set(bearer(w.tokens.teacher))
      .expect(200);
    expect(again.body.items.filter((x: { id: string }) => seen.has(x.id))).toEqual([]); // nothing twice
    const g = (
      await t.http
        .post('/api/v1/grades')
        .set(bearer(w.tokens.teacher))
        .send({ lessonId: lesson.id, studentId: w.students[1].id, value: 2, workType: 'answer' })
        .expect(201)
    ).body;
    // A feed holds back rows while any older transaction of the cluster may still commit (so a cursor
    // never skips a late commit); other test databases share the cluster, hence the short wait and
    // "contains" (a row held back earlier may arrive with it) rather than "equals".
    const feedUntil = async (url: string, id: string) => {
      for (let i = 0; ; i++) {
        const res = await t.http.get(url).set(bearer(w.tokens.teacher)).expect(200);
        if (res.body.items.some((x: { id: string }) => x.id === id) || i >= 150) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const after = await feedUntil(`/api/v1/grades/changes?studentId=${w.students[1].id}&since=${cursor}`, g.id);
    expect(after.body.items.map((x: { id: string }) => x.id)).toContain(g.id);
    expect(after.body.items.filter((x: { id: string }) => seen.has(x.id))).toEqual([]);
    await t.http.delete(`/api/v1/grades/${g.id}`).set(bearer(w.tokens.teacher)).expect(204);
    const del = await feedUntil(`/api/v1/grades/changes?studentId=${w.students[1].id}&since=${after.body.nextCursor}`, g.id);
    expect(del.body.items).toEqual([expect.objectContaining({ id: g.id, deleted: true })]);
    // paging through a class feed
    const p1 = await feedUntilNonEmpty(`/api/v1/grades/changes?classId=${w.cls.id}&limit=2`);
    expect(p1.body).toMatchObject({ hasMore: true });
    expect(p1.body.items).toHaveLength(2);
    // `cursor` is the parameter's name; `since` (above) is its deprecated alias
    const p2 = await t.http
      .get(`/api/v1/grades/changes?classId=${w.cls.id}&limit=2&cursor=${p1.body.nextCursor}`)
      .set(bearer(w.tokens.teacher))
      .expect(200);
    expect(p2.body.items[0].id).not.toBe(p1.body.items[1].id);
    expect((await t.http.get(`/api/v1/grades/changes?classId=${w.cls.id}`).set(bearer(w.tokens.student))).status).toBe(404);
    expect((await t.http.get(`/api/v1/grades/changes?studentId=${w.students[1].id}&since=abc`).set(bearer(w.tokens.teacher))).status).toBe(
      400,
    );
    const att = await feedUntilNonEmpty(`/api/v1/attendance/changes?studentId=${w.students[2].id}`);
    expect(att.body.items[0]).toMatchObject({ studentId: w.students[2].id, status: 'absent', reason: 'Болеет' });
  });

  it('marks attendance (absent, late, excused; present clears) and announces absences', async () => {
    const l = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-25',
      startTime: '07:00',
      endTime: '07:45',
    });
    const res = await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .send({
        lessonId: l.id,
        marks: [
          { studentId: w.students[0].id, status: 'absent' },
          { studentId: w.students[1].id, status: 'excused', reason: 'Соревнования' },
        ],
      })
      .expect(201);
    expect(res.body.items.map((a: { status: string }) => a.status)).toEqual(['absent', 'excused']);
    await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: l.id, marks: [{ studentId: w.students[0].id, status: 'present' }] })
      .expect(201);
    const evs = await t.db.query(
      `SELECT payload FROM domain_events WHERE type = 'attendance.marked' AND payload->>'lessonId' = $1 ORDER BY id`,
      [l.id],
    );
    expect(evs.map((e: { payload: { status: string } }) => e.payload.status).sort()).toEqual(['absent', 'excused']);
    const dup = await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .send({
        lessonId: l.id,
        marks: [
          { studentId: w.students[0].id, status: 'late' },
          { studentId: w.students[0].id, status: 'absent' },
        ],
      });
    expect(dup.body.code).toBe('DUPLICATE_STUDENT');
  });

  it('shows a student their grades by subject with weighted averages, a what-if projection and period marks', async () => {
    const x = await makeDiaryWorld(t, { students: 1 });
    const l = await makeLesson(t.db, {
      schoolId: x.school.id,
      classId: x.cls.id,
      subjectId: x.subject.id,
      teacherId: x.teacherUser.id,
      date: '2026-11-10',
    });
    const period = (
      await t.http
        .post('/api/v1/grades/periods')
        .set(bearer(x.tokens.admin))
        .send({ schoolId: x.school.id, academicYear: 2026, kind: 'term', name: '2 четверть', startsOn: '2026-11-05', endsOn: '2026-12-28' })
        .expect(201)
    ).body;
    expect(
      (
        await t.http.post('/api/v1/grades/periods').set(bearer(x.tokens.admin)).send({
          schoolId: x.school.id,
          academicYear: 2026,
          kind: 'term',
          name: '2 четверть',
          startsOn: '2026-11-05',
          endsOn: '2026-12-28',
        })
      ).body.code,
    ).toBe('PERIOD_ALREADY_EXISTS');
    for (const [value, workType] of [
      [5, 'control'],
      [4, 'answer'],
    ] as const) {
      await t.http
        .post('/api/v1/grades')
        .set(bearer(x.tokens.teacher))
        .send({ lessonId: l.id, studentId: x.students[0].id, value, workType })
        .expect(201);
    }
    const view = await t.http
      .get(`/api/v1/grades/students/${x.students[0].id}?periodId=${period.id}`)
      .set(bearer(x.tokens.parent))
      .expect(200);
    expect(view.body.period).toMatchObject({ id: period.id, name: '2 четверть' });
    expect(view.body.subjects).toHaveLength(1);
    expect(view.body.subjects[0]).toMatchObject({
      subjectId: x.subject.id,
      average: { average: 4.67, suggested: 5, count: 2, weightSum: 3 },
      periodMark: null,
    });

    const whatIf = await t.http
      .post(`/api/v1/grades/students/${x.students[0].id}/what-if`)
      .set(bearer(x.tokens.student))
      .send({ subjectId: x.subject.id, periodId: period.id, extra: [{ value: 2, workType: 'control' }] })
      .expect(200);
    // (5×2 + 4×1 + 2×2) / 5 = 18/5 = 3.6
    expect(whatIf.body).toEqual({
      current: { average: 4.67, suggested: 5, count: 2, weightSum: 3 },
      projected: { average: 3.6, suggested: 4, count: 3, weightSum: 5 },
    });

    const marks = await t.http
      .put('/api/v1/grades/period-marks')
      .set(bearer(x.tokens.teacher))
      .send({ periodId: period.id, classId: x.cls.id, subjectId: x.subject.id, marks: [{ studentId: x.students[0].id, value: 5 }] })
      .expect(200);
    expect(marks.body.items).toEqual([expect.objectContaining({ studentId: x.students[0].id, value: 5 })]);
    const again = await t.http
      .get(`/api/v1/grades/students/${x.students[0].id}?periodId=${period.id}`)
      .set(bearer(x.tokens.student))
      .expect(200);
    expect(again.body.subjects[0].periodMark).toBe(5);
    expect((await t.http.get(`/api/v1/grades/students/${x.students[0].id}`).set(bearer(w.tokens.parent))).status).toBe(404);
    expect(
      (
        await t.http
          .put('/api/v1/grades/period-marks')
          .set(bearer(w.tokens.teacher))
          .send({ periodId: period.id, classId: x.cls.id, subjectId: x.subject.id, marks: [{ studentId: x.students[0].id, value: 5 }] })
      ).status,
    ).toBe(404);
  });

  it('uses the school scale and work-type weights (pass/fail school)', async () => {
    const x = await makeDiaryWorld(t, { students: 1 });
    const put = await t.http
      .put(`/api/v1/grades/settings/${x.school.id}`)
      .set(bearer(x.tokens.admin))
      .send({
        scale: 'pass_fail',
        roundingThreshold: 0.6,
        workTypes: [
          { code: 'answer', name: 'Ответ', weight: 1 },
          { code: 'exam', name: 'Зачёт', weight: 3 },
        ],
      })
      .expect(200);
    expect(put.body).toMatchObject({ scale: 'pass_fail', roundingThreshold: 0.6 });
    expect(
      (
        await t.http
          .put(`/api/v1/grades/settings/${x.school.id}`)
          .set(bearer(w.tokens.admin))
          .send({ scale: 'five_point', workTypes: [{ code: 'a', name: 'A', weight: 1 }] })
      ).status,
    ).toBe(404);
    expect(
      (await t.http.get(`/api/v1/grades/settings?schoolId=${x.school.id}`).set(bearer(x.tokens.student)).expect(200)).body.workTypes,
    ).toHaveLength(2);
    const l = await makeLesson(t.db, {
      schoolId: x.school.id,
      classId: x.cls.id,
      subjectId: x.subject.id,
      teacherId: x.teacherUser.id,
      date: '2026-11-12',
    });
    const ok = await t.http
      .post('/api/v1/grades')
      .set(bearer(x.tokens.teacher))
      .send({ lessonId: l.id, studentId: x.students[0].id, value: 'pass', workType: 'exam' })
      .expect(201);
    expect(ok.body).toMatchObject({ value: 'pass', scale: 'pass_fail', weight: 3 });
    expect(
      (
        await t.http
          .post('/api/v1/grades')
          .set(bearer(x.tokens.teacher))
          .send({ lessonId: l.id, studentId: x.students[0].id, value: 5, workType: 'exam' })
      ).body.code,
    ).toBe('GRADE_VALUE_NOT_IN_SCALE');
  });

  it("answers a teacher's class journal in a fixed number of queries whatever its size", async () => {
    const small = await makeDiaryWorld(t, { students: 1 });
    const large = await makeDiaryWorld(t, { students: 6 });
    await makeLesson(t.db, {
      schoolId: small.school.id,
      classId: small.cls.id,
      subjectId: small.subject.id,
      teacherId: small.teacherUser.id,
      date: '2026-11-02',
    });
    for (let d = 2; d < 22; d++) {
      const date = `2026-11-${String(d).padStart(2, '0')}`;
      const l = await makeLesson(t.db, {
        schoolId: large.school.id,
        classId: large.cls.id,
        subjectId: large.subject.id,
        teacherId: large.teacherUser.id,
        date,
      });
      await t.http
        .post('/api/v1/grades/batch')
        .set(bearer(large.tokens.teacher))
        .send({ lessonId: l.id, grades: large.students.map((s, i) => ({ studentId: s.id, value: 2 + ((d + i) % 4), workType: 'answer' })) })
        .expect(201);
      await t.http
        .post('/api/v1/attendance')
        .set(bearer(large.tokens.teacher))
        .send({ lessonId: l.id, marks: [{ studentId: large.students[d % 6].id, status: 'absent' }] })
        .expect(201);
    }
    const url = (x: World) => `/api/v1/grades/journal?classId=${x.cls.id}&subjectId=${x.subject.id}&from=2026-11-01&to=2026-11-30`;
    const s = await countQueries(() => t.http.get(url(small)).set(bearer(small.tokens.teacher)));
    const l = await countQueries(() => t.http.get(url(large)).set(bearer(large.tokens.teacher)));
    expect(s.result.status).toBe(200);
    expect(l.result.status).toBe(200);
    expect(l.result.body.lessons).toHaveLength(20);
    expect(l.result.body.grades).toHaveLength(120);
    expect(l.result.body.students).toHaveLength(6);
    expect(l.result.body.attendance).toHaveLength(20);
    expect(l.result.body.students[0].average.count).toBe(20);
    expect(l.queries).toBe(s.queries);
    process.stdout.write(`[diary] journal: ${s.queries} queries for 1×1, ${l.queries} for 6 students × 20 lessons × 120 grades\n`);
    // the class teacher and admins may read it; a teacher of another class may not
    expect((await t.http.get(url(large)).set(bearer(large.tokens.admin))).status).toBe(200);
    expect((await t.http.get(url(large)).set(bearer(small.tokens.teacher))).status).toBe(404);
    expect((await t.http.get(url(large)).set(bearer(large.tokens.student))).status).toBe(404);
  });
});

describe('diary: teacher assignment matters for a second subject', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets a teacher assigned later grade the new subject', async () => {
    const w = await makeDiaryWorld(t, { students: 1 });
    const s2 = await makeSubject(t.db, { schoolId: w.school.id });
    const body = { classId: w.cls.id, subjectId: s2.id, date: '2026-11-20', studentId: w.students[0].id, value: 5, workType: 'answer' };
    expect((await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).send(body)).status).toBe(404);
    await assignTeacher(t.db, w.teacherUser.id, w.cls.id, s2.id);
    await t.http.post('/api/v1/grades').set(bearer(w.tokens.teacher)).send(body).expect(201);
  });
});
