import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Role } from '../../src/common/auth/role';
import { JobKeys } from '../../src/core/queue/job-ids';
import { QueueProducer } from '../../src/core/queue/queue-producer.service';
import { QUEUES } from '../../src/core/queue/queue.constants';
import { LessonReminderScheduler } from '../../src/modules/schedule/jobs/lesson-reminder.scheduler';
import { LessonRemindersService } from '../../src/modules/schedule/lesson-reminders.service';
import { bearer, countQueries, login, makeClass, makeDiaryWorld, makeLesson, makeSchool, makeSubject, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;
const events = (t: TestApp, aggregateId: string, type: string) =>
  t.db.query('SELECT type, payload, idempotency_key FROM domain_events WHERE aggregate_id = $1 AND type = $2 ORDER BY id', [
    aggregateId,
    type,
  ]);

describe('diary: schedule', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    // api role: no background worker polls the database while queries are counted
    t = await createTestApp({ APP_ROLE: 'api' });
    w = await makeDiaryWorld(t);
  });
  afterAll(() => t.close());

  const lessonBody = (o: Record<string, unknown> = {}) => ({
    classId: w.cls.id,
    subjectId: w.subject.id,
    teacherId: w.teacherUser.id,
    date: '2026-12-07',
    startTime: '08:30',
    endTime: '09:15',
    room: '214',
    ...o,
  });

  it('lets a school admin add lessons and refuses clashes with what collides', async () => {
    const created = await t.http.post('/api/v1/schedule/lessons').set(bearer(w.tokens.admin)).send(lessonBody()).expect(201);
    expect(created.body).toMatchObject({
      date: '2026-12-07',
      startTime: '08:30',
      endTime: '09:15',
      room: '214',
      status: 'scheduled',
      startsAt: '2026-12-07T05:30:00.000Z',
      class: { id: w.cls.id },
      subject: { id: w.subject.id },
      teacher: { id: w.teacherUser.id, shortName: 'Учителева М. П.' },
    });

    const sameClass = await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(w.tokens.admin))
      .send(lessonBody({ startTime: '09:00', endTime: '09:45', room: '300' }));
    expect(sameClass.status).toBe(409);
    expect(sameClass.body.code).toBe('LESSON_CLASH');
    expect(sameClass.body.details.clashes[0]).toMatchObject({
      lessonId: created.body.id,
      date: '2026-12-07',
      startTime: '08:30',
      endTime: '09:15',
    });
    expect(sameClass.body.details.clashes[0].reasons).toEqual(expect.arrayContaining(['class', 'teacher']));

    const otherClass = await makeClass(t.db, { schoolId: w.school.id });
    const roomClash = await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(w.tokens.admin))
      .send(lessonBody({ classId: otherClass.id, teacherId: (await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id })).id }));
    expect(roomClash.status).toBe(409);
    expect(roomClash.body.details.clashes[0].reasons).toEqual(['room']);
    // back-to-back is fine
    await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(w.tokens.admin))
      .send(lessonBody({ startTime: '09:15', endTime: '10:00' }))
      .expect(201);

    expect(
      (
        await t.http
          .post('/api/v1/schedule/lessons')
          .set(bearer(w.tokens.teacher))
          .send(lessonBody({ date: '2026-12-08' }))
      ).status,
    ).toBe(403);
    const foreignAdmin = (await login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: (await makeSchool(t.db)).id })))
      .accessToken;
    const foreign = await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(foreignAdmin))
      .send(lessonBody({ date: '2026-12-08' }));
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CLASS_NOT_FOUND');
    const bad = await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(w.tokens.admin))
      .send(lessonBody({ date: '2026-02-30', startTime: '25:00' }));
    expect(bad.status).toBe(400);
    const backwards = await t.http
      .post('/api/v1/schedule/lessons')
      .set(bearer(w.tokens.admin))
      .send(lessonBody({ date: '2026-12-09', startTime: '10:00', endTime: '09:00' }));
    expect(backwards.status).toBe(422);
  });

  it("creates a term's lessons from a weekly pattern, all or nothing", async () => {
    const subject2 = await makeSubject(t.db, { schoolId: w.school.id });
    const body = {
      classId: w.cls.id,
      from: '2026-12-14',
      to: '2026-12-27',
      skipDates: ['2026-12-16'],
      items: [
        { weekday: 1, startTime: '10:00', endTime: '10:45', subjectId: w.subject.id, teacherId: w.teacherUser.id },
        { weekday: 3, startTime: '10:00', endTime: '10:45', subjectId: subject2.id, teacherId: w.teacherUser.id, room: '101' },
      ],
    };
    const res = await t.http.post('/api/v1/schedule/lessons/term-pattern').set(bearer(w.tokens.admin)).send(body).expect(201);
    expect(res.body).toMatchObject({ created: 3, from: '2026-12-14', to: '2026-12-27' }); // Mon 14, Mon 21, Wed 23 (Wed 16 skipped)
    const again = await t.http.post('/api/v1/schedule/lessons/term-pattern').set(bearer(w.tokens.admin)).send(body);
    expect(again.status).toBe(409);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM lessons WHERE series_id = $1', [res.body.seriesId]);
    expect(n).toBe(3);
    const selfClash = await t.http
      .post('/api/v1/schedule/lessons/term-pattern')
      .set(bearer(w.tokens.admin))
      .send({
        ...body,
        from: '2027-01-11',
        to: '2027-01-17',
        items: [body.items[0], { ...body.items[0], startTime: '10:30', endTime: '11:15' }],
      });
    expect(selfClash.status).toBe(409);
    expect(selfClash.body.details.clashes[0]).toMatchObject({ lessonId: null, requestIndex: 0, with: 1 });
  });

  it('records moves, substitutions, room changes and cancellations in a readable history with events', async () => {
    const lesson = (
      await t.http
        .post('/api/v1/schedule/lessons')
        .set(bearer(w.tokens.admin))
        .send(lessonBody({ date: '2026-12-10' }))
        .expect(201)
    ).body;
    const sub = await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id, lastName: 'Заменова', firstName: 'Анна' });
    const moved = await t.http
      .patch(`/api/v1/schedule/lessons/${lesson.id}`)
      .set(bearer(w.tokens.admin))
      .send({ date: '2026-12-11', startTime: '11:00', endTime: '11:45', room: '105', substituteTeacherId: sub.id, reason: 'Курсы учителя' })
      .expect(200);
    expect(moved.body).toMatchObject({
      date: '2026-12-11',
      startTime: '11:00',
      room: '105',
      substituteTeacher: { id: sub.id },
      startsAt: '2026-12-11T08:00:00.000Z',
    });

    // the substitute sees the lesson they cover; a student of another class does not
    const subToken = (await login(t, sub)).accessToken;
    await t.http.get(`/api/v1/schedule/lessons/${lesson.id}`).set(bearer(subToken)).expect(200);
    const stranger = (
      await login(
        t,
        await makeUser(t.db, {
          roles: [Role.Student],
          schoolId: w.school.id,
          classId: (await makeClass(t.db, { schoolId: w.school.id })).id,
        }),
      )
    ).accessToken;
    expect((await t.http.get(`/api/v1/schedule/lessons/${lesson.id}`).set(bearer(stranger))).status).toBe(404);

    await t.http.post(`/api/v1/schedule/lessons/${lesson.id}/cancel`).set(bearer(w.tokens.admin)).send({ reason: 'Карантин' }).expect(200);
    expect((await t.http.post(`/api/v1/schedule/lessons/${lesson.id}/cancel`).set(bearer(w.tokens.admin)).send({})).status).toBe(422);

    for (const token of [w.tokens.student, w.tokens.parent, w.tokens.admin]) {
      const history = await t.http.get(`/api/v1/schedule/lessons/${lesson.id}/changes`).set(bearer(token)).expect(200);
      expect(history.body.items.map((c: { kinds: string[] }) => c.kinds)).toEqual([
        ['cancelled'],
        ['moved', 'substituted', 'room_changed'],
      ]);
      expect(history.body.items[1]).toMatchObject({
        before: { date: '2026-12-10', startTime: '08:30', endTime: '09:15', room: '214', substituteTeacherId: null },
        after: { date: '2026-12-11', startTime: '11:00', endTime: '11:45', room: '105', substituteTeacherId: sub.id },
        reason: 'Курсы учителя',
      });
    }
    const classHistory = await t.http.get(`/api/v1/schedule/changes?classId=${w.cls.id}&limit=1`).set(bearer(w.tokens.parent)).expect(200);
    expect(classHistory.body.items).toHaveLength(1);
    const older = await t.http
      .get(`/api/v1/schedule/changes?classId=${w.cls.id}&limit=1&cursor=${classHistory.body.nextCursor}`)
      .set(bearer(w.tokens.parent))
      .expect(200);
    expect(older.body.items[0].kinds).toEqual(['moved', 'substituted', 'room_changed']);
    expect((await t.http.get(`/api/v1/schedule/changes?classId=${w.cls.id}`).set(bearer(stranger))).status).toBe(404);

    const changed = await events(t, lesson.id, 'lesson.changed');
    expect(changed).toHaveLength(2);
    expect(changed[0].payload).toMatchObject({
      lessonId: lesson.id,
      classId: w.cls.id,
      kinds: ['moved', 'substituted', 'room_changed'],
      before: { room: '214' },
      after: { room: '105' },
    });
    expect(JSON.stringify(changed[0].payload)).not.toMatch(/Заменова|Курсы/); // ids and facts only
  });

  it('shows a student, parent, teacher and class week with homework, grades and attendance', async () => {
    const l1 = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-23',
      startTime: '08:30',
      endTime: '09:15',
    });
    await t.db.query(
      `INSERT INTO homework (school_id, class_id, subject_id, lesson_id, teacher_id, text, due_date, due_at) VALUES ($1, $2, $3, $4, $5, 'Задачи 1–5', '2026-11-24', now())`,
      [w.school.id, w.cls.id, w.subject.id, l1.id, w.teacherUser.id],
    );
    await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: l1.id, studentId: w.students[0].id, value: 5, workType: 'answer' })
      .expect(201);
    await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId: l1.id, marks: [{ studentId: w.students[0].id, status: 'late' }] })
      .expect(201);

    for (const token of [w.tokens.student, w.tokens.parent, w.tokens.teacher, w.tokens.admin]) {
      const week = await t.http.get(`/api/v1/schedule/students/${w.students[0].id}/week?week=2026-W48`).set(bearer(token)).expect(200);
      expect(week.body).toMatchObject({ week: '2026-W48', from: '2026-11-23', to: '2026-11-29', timezone: 'Europe/Moscow' });
      expect(week.body.days).toHaveLength(7);
      const monday = week.body.days[0];
      expect(monday.lessons).toHaveLength(1);
      expect(monday.lessons[0]).toMatchObject({
        id: l1.id,
        homeworkAssigned: [{ text: 'Задачи 1–5', dueDate: '2026-11-24', attachmentCount: 0 }],
        grades: [{ value: 5, workType: 'answer', weight: 1 }],
        attendance: { status: 'late', reason: null },
      });
    }
    const otherParent = (await login(t, await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id }))).accessToken;
    expect((await t.http.get(`/api/v1/schedule/students/${w.students[0].id}/week`).set(bearer(otherParent))).status).toBe(404);
    expect(
      (await t.http.get(`/api/v1/schedule/students/${w.students[0].id}/week?week=2026-W60`).set(bearer(w.tokens.student))).status,
    ).toBe(400);

    const teacherWeek = await t.http
      .get(`/api/v1/schedule/teachers/${w.teacherUser.id}/week?week=2026-W48`)
      .set(bearer(w.tokens.teacher))
      .expect(200);
    expect(teacherWeek.body.days[0].lessons[0]).toMatchObject({ id: l1.id, gradeCount: 1, absenceCount: 1, grades: [] });
    expect((await t.http.get(`/api/v1/schedule/teachers/${w.teacherUser.id}/week`).set(bearer(w.tokens.student))).status).toBe(404);
    const classWeek = await t.http.get(`/api/v1/schedule/classes/${w.cls.id}/week?week=2026-W48`).set(bearer(w.tokens.parent)).expect(200);
    expect(classWeek.body.days[0].lessons[0].homeworkAssigned).toHaveLength(1);
    const dueTuesday = classWeek.body.days[1].lessons;
    expect(dueTuesday).toEqual([]);
  });

  it('runs a constant number of SQL queries whatever the week holds', async () => {
    const small = await makeDiaryWorld(t, { students: 1 });
    const large = await makeDiaryWorld(t, { students: 2 });
    await makeLesson(t.db, {
      schoolId: small.school.id,
      classId: small.cls.id,
      subjectId: small.subject.id,
      teacherId: small.teacherUser.id,
      date: '2026-11-16',
    });
    // large: 5 days × 6 lessons, each with homework, a grade and an absence
    for (let d = 0; d < 5; d++) {
      for (let k = 0; k < 6; k++) {
        const date = `2026-11-${String(16 + d).padStart(2, '0')}`;
        const start = `${String(8 + k).padStart(2, '0')}:00`;
        const l = await makeLesson(t.db, {
          schoolId: large.school.id,
          classId: large.cls.id,
          subjectId: large.subject.id,
          teacherId: large.teacherUser.id,
          date,
          startTime: start,
          endTime: `${String(8 + k).padStart(2, '0')}:45`,
        });
        await t.db.query(
          `INSERT INTO homework (school_id, class_id, subject_id, lesson_id, teacher_id, text, due_date, due_at) VALUES ($1, $2, $3, $4, $5, 'ДЗ', $6, now())`,
          [large.school.id, large.cls.id, large.subject.id, l.id, large.teacherUser.id, date],
        );
        await t.db.query(
          `INSERT INTO grades (school_id, student_id, class_id, subject_id, lesson_id, date, scale, value, work_type, weight, entered_by) VALUES ($1, $2, $3, $4, $5, $6, 'five_point', 4, 'answer', 1, $7)`,
          [large.school.id, large.students[0].id, large.cls.id, large.subject.id, l.id, date, large.teacherUser.id],
        );
        await t.db.query(
          `INSERT INTO attendance (lesson_id, student_id, class_id, subject_id, school_id, date, status, marked_by) VALUES ($1, $2, $3, $4, $5, $6, 'absent', $7)`,
          [l.id, large.students[0].id, large.cls.id, large.subject.id, large.school.id, date, large.teacherUser.id],
        );
      }
    }
    const measure = async (url: string, token: string) => {
      const { result, queries } = await countQueries(() => t.http.get(url).set(bearer(token)));
      expect(result.status).toBe(200);
      return { queries, lessons: (result.body.days as Array<{ lessons: unknown[] }>).reduce((n, d) => n + d.lessons.length, 0) };
    };
    const views = [
      (x: World) => [`/api/v1/schedule/students/${x.students[0].id}/week?week=2026-W47`, x.tokens.parent],
      (x: World) => [`/api/v1/schedule/teachers/${x.teacherUser.id}/week?week=2026-W47`, x.tokens.teacher],
      (x: World) => [`/api/v1/schedule/classes/${x.cls.id}/week?week=2026-W47`, x.tokens.admin],
    ];
    const report: string[] = [];
    for (const view of views) {
      const [su, st] = view(small);
      const [lu, lt] = view(large);
      const s = await measure(su, st);
      const l = await measure(lu, lt);
      expect(s.lessons).toBe(1);
      expect(l.lessons).toBe(30);
      expect(l.queries).toBe(s.queries);
      expect(s.queries).toBeLessThanOrEqual(4);
      report.push(`${su.split('/')[4]} week: ${s.queries} queries for 1 lesson, ${l.queries} for 30`);
    }
    process.stdout.write(`[diary] ${report.join('; ')}\n`);
  });
});

describe('diary: lesson reminders (worker role)', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'all' });
    w = await makeDiaryWorld(t);
  });
  afterAll(() => t.close());

  it('sends a lesson reminder exactly once to opted-in users, even with two schedulers firing', async () => {
    await t.http.put('/api/v1/schedule/reminders').set(bearer(w.tokens.student)).send({ enabled: true }).expect(200);
    await t.http.put('/api/v1/schedule/reminders').set(bearer(w.tokens.parent)).send({ enabled: true }).expect(200);
    expect((await t.http.get('/api/v1/schedule/reminders').set(bearer(w.tokens.parent)).expect(200)).body).toEqual({ enabled: true });
    const startsAt = new Date(Date.now() + 10 * 60_000);
    const lesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2030-01-01',
      startsAt,
    });
    const cancelled = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2030-01-02',
      startsAt,
    });
    await t.db.query(`UPDATE lessons SET status = 'cancelled' WHERE id = $1`, [cancelled.id]);

    const scheduler = t.app.get(LessonReminderScheduler);
    const [first, second] = await Promise.all([scheduler.tick(), scheduler.tick()]); // two workers' cron at the same minute
    const jobId = await t.app.get(QueueProducer).jobId(JobKeys.lessonReminder(lesson.id, startsAt.getTime()));
    expect(first).toContain(jobId);
    expect(second).toContain(jobId);
    expect(first.some((id) => id.includes(cancelled.id))).toBe(false);
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.schedule), { strict: false });
    const job = (await queue.getJob(jobId))!;
    await job.finished();
    await scheduler.tick(); // a later firing inside the window: same job id, nothing new
    expect(
      (await queue.getJobs(['waiting', 'active', 'delayed', 'completed'])).filter((j) => String(j.id).includes(lesson.id)),
    ).toHaveLength(1);

    // the handler itself is idempotent too (a job retried after a crash)
    expect(await t.app.get(LessonRemindersService).recordReminder(lesson.id, startsAt.getTime())).toMatchObject({ recorded: false });
    const rows = await events(t, lesson.id, 'lesson.reminder');
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.userIds.sort()).toEqual([w.students[0].id, w.parentUser.id].sort());
    expect(await t.app.get(LessonRemindersService).recordReminder(cancelled.id, startsAt.getTime())).toMatchObject({
      recorded: false,
      skipped: 'cancelled',
    });
  });
});
