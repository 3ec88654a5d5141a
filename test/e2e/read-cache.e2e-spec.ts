import { ReadCache } from '../../src/core/read-cache/read-cache';
import { Role } from '../../src/common/auth/role';
import { bearer, countQueries, linkParent, login, makeClass, makeDiaryWorld, makeLesson, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;

/**
 * The week view and the class journal are served from the read cache. Every change a view shows must
 * show on the next read, whoever made it and through whichever route: each test reads the view (so it
 * is cached), changes one thing, and reads again.
 */
describe('read cache: cached views never go stale', () => {
  let t: TestApp;
  let w: World;
  let lessonId: string;
  const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    w = await makeDiaryWorld(t);
    lessonId = (
      await makeLesson(t.db, {
        schoolId: w.school.id,
        classId: w.cls.id,
        subjectId: w.subject.id,
        teacherId: w.teacherUser.id,
        date: '2026-11-23',
      })
    ).id;
  });
  afterAll(() => t.close());

  const weekUrl = () => `/api/v1/schedule/students/${w.students[0].id}/week?week=2026-W48`;
  const week = async (token = w.tokens.parent) => (await t.http.get(weekUrl()).set(bearer(token)).expect(200)).body;
  const monday = async () => (await week()).days[0].lessons[0];
  const journalUrl = () => `/api/v1/grades/journal?classId=${w.cls.id}&subjectId=${w.subject.id}&from=2026-11-01&to=2026-11-30`;
  const journal = async () => (await t.http.get(journalUrl()).set(bearer(w.tokens.teacher)).expect(200)).body;
  const cache = () => t.app.get(ReadCache).stats();

  it('serves a repeated read from the cache with one query and an entity tag', async () => {
    const first = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).expect(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toMatch(/^W\/"/);
    const before = cache();
    const { result: again, queries } = await countQueries(() => t.http.get(weekUrl()).set(bearer(w.tokens.parent)).expect(200));
    expect(cache().hits).toBe(before.hits + 1);
    expect(queries).toBe(1); // access check and versions; the view itself comes from memory
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).set('If-None-Match', first.headers.etag).expect(304);
  });

  it('answers gzipped when the client accepts it, plain otherwise, with a tag for each', async () => {
    const gz = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).set('Accept-Encoding', 'gzip, deflate, br').expect(200);
    const plain = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).set('Accept-Encoding', 'identity').expect(200);
    const refused = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).set('Accept-Encoding', 'gzip;q=0, identity').expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(gz.body).toEqual(plain.body); // supertest inflates the gzipped body
    expect(Number(gz.headers['content-length'])).toBeLessThan(Number(plain.headers['content-length']));
    expect(gz.headers.etag).not.toBe(plain.headers.etag);
    await t.http
      .get(weekUrl())
      .set(bearer(w.tokens.parent))
      .set('Accept-Encoding', 'gzip')
      .set('If-None-Match', gz.headers.etag)
      .expect(304);
    await t.http
      .get(weekUrl())
      .set(bearer(w.tokens.parent))
      .set('Accept-Encoding', 'identity')
      .set('If-None-Match', plain.headers.etag)
      .expect(304);
  });

  it('shows a new grade, its correction and its deletion at once', async () => {
    const before = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).expect(200);
    expect(before.body.days[0].lessons[0].grades).toEqual([]);
    const g = await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId, studentId: w.students[0].id, value: 4, workType: 'answer' })
      .expect(201);
    // the old tag no longer matches: the client gets the new week, not a 304
    const after = await t.http.get(weekUrl()).set(bearer(w.tokens.parent)).set('If-None-Match', before.headers.etag).expect(200);
    expect(after.body.days[0].lessons[0].grades).toEqual([expect.objectContaining({ id: g.body.id, value: 4 })]);
    expect((await journal()).grades).toEqual([expect.objectContaining({ id: g.body.id, value: 4 })]);

    await t.http.patch(`/api/v1/grades/${g.body.id}`).set(bearer(w.tokens.teacher)).send({ value: 5, reason: 'Пересчёт' }).expect(200);
    expect((await monday()).grades).toEqual([expect.objectContaining({ value: 5 })]);
    expect((await journal()).grades).toEqual([expect.objectContaining({ value: 5 })]);

    await t.http
      .delete(`/api/v1/grades/${g.body.id}?reason=${encodeURIComponent('Ошибка')}`)
      .set(bearer(w.tokens.teacher))
      .expect((r) => expect(r.status).toBeLessThan(300));
    expect((await monday()).grades).toEqual([]);
    expect((await journal()).grades).toEqual([]);
  });

  it('shows attendance, homework, its attachments and lesson changes', async () => {
    await monday();
    await t.http
      .post('/api/v1/attendance')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId, marks: [{ studentId: w.students[0].id, status: 'absent' }] })
      .expect(201);
    expect((await monday()).attendance).toEqual({ status: 'absent', reason: null });
    expect((await journal()).attendance).toEqual([{ lessonId, studentId: w.students[0].id, status: 'absent' }]);

    const hw = await t.http
      .post('/api/v1/homework')
      .set(bearer(w.tokens.teacher))
      .send({ classId: w.cls.id, subjectId: w.subject.id, lessonId, text: '№ 12', dueDate: '2026-11-30' })
      .expect(201);
    expect((await monday()).homeworkAssigned).toEqual([expect.objectContaining({ id: hw.body.id, text: '№ 12', attachmentCount: 0 })]);
    await t.http
      .post(`/api/v1/homework/${hw.body.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', PDF, { filename: 'task.pdf', contentType: 'application/pdf' })
      .expect(201);
    expect((await monday()).homeworkAssigned).toEqual([expect.objectContaining({ attachmentCount: 1 })]);

    await t.http
      .post(`/api/v1/schedule/lessons/${lessonId}/cancel`)
      .set(bearer(w.tokens.admin))
      .send({ reason: 'Карантин' })
      .expect((r) => expect(r.status).toBeLessThan(300));
    expect((await monday()).status).toBe('cancelled');
    expect((await journal()).lessons).toEqual([expect.objectContaining({ id: lessonId, status: 'cancelled' })]);
    await t.http
      .post(`/api/v1/schedule/lessons/${lessonId}/restore`)
      .set(bearer(w.tokens.admin))
      .send({})
      .expect((r) => expect(r.status).toBeLessThan(300));
    expect((await monday()).status).toBe('scheduled');
  });

  it("shows renamed teachers, subjects and students, and a class's new and departed students", async () => {
    await monday();
    await journal();
    await t.http.patch(`/api/v1/admin/users/${w.teacherUser.id}`).set(bearer(w.tokens.admin)).send({ lastName: 'Петрова' }).expect(200);
    expect((await monday()).teacher.shortName).toMatch(/^Петрова /);
    await t.http.patch(`/api/v1/admin/subjects/${w.subject.id}`).set(bearer(w.tokens.admin)).send({ name: 'Алгебра' }).expect(200);
    expect((await monday()).subject.name).toBe('Алгебра');
    await t.http.patch(`/api/v1/admin/users/${w.students[1].id}`).set(bearer(w.tokens.admin)).send({ lastName: 'Новикова' }).expect(200);
    expect((await journal()).students.map((s: { lastName: string }) => s.lastName)).toContain('Новикова');

    const newcomer = await makeUser(t.db, { roles: [Role.Student], schoolId: w.school.id });
    await t.http.patch(`/api/v1/admin/users/${newcomer.id}`).set(bearer(w.tokens.admin)).send({ classId: w.cls.id }).expect(200);
    expect((await journal()).students.map((s: { id: string }) => s.id)).toContain(newcomer.id);
    const other = await makeClass(t.db, { schoolId: w.school.id });
    await t.http.patch(`/api/v1/admin/users/${newcomer.id}`).set(bearer(w.tokens.admin)).send({ classId: other.id }).expect(200);
    expect((await journal()).students.map((s: { id: string }) => s.id)).not.toContain(newcomer.id);
  });

  it('checks access on every read, cached or not', async () => {
    const parent = await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id });
    await linkParent(t.db, parent.id, w.students[0].id);
    const token = (await login(t, parent)).accessToken;
    await week(token);
    await t.http.delete(`/api/v1/admin/users/${parent.id}/children/${w.students[0].id}`).set(bearer(w.tokens.admin)).expect(200);
    const refused = await t.http.get(weekUrl()).set(bearer(token));
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('STUDENT_NOT_FOUND');
  });

  it('bumps versions only for what changed: a sign-in does not empty the cache', async () => {
    const versions = async () =>
      Object.fromEntries(
        (await t.db.query('SELECT id, version::int FROM read_versions')).map((r: { id: string; version: number }) => [r.id, r.version]),
      );
    const before = await versions();
    await login(t, w.teacherUser); // writes users (last sign-in, failed-attempt counters) and sessions
    await t.db.query(`UPDATE users SET updated_at = now() WHERE id = $1`, [w.teacherUser.id]);
    expect(await versions()).toEqual(before);

    await t.http
      .post('/api/v1/grades')
      .set(bearer(w.tokens.teacher))
      .send({ lessonId, studentId: w.students[2].id, value: 3, workType: 'answer' })
      .expect(201);
    const after = await versions();
    expect(after[w.cls.id]).toBe(before[w.cls.id] + 1);
    expect(after[w.students[2].id]).toBe((before[w.students[2].id] ?? 0) + 1);
    expect(after[w.students[0].id]).toBe(before[w.students[0].id]);
  });
});
