import { Role } from '../../src/common/auth/role';
import {
  assignTeacher,
  bearer,
  linkParent,
  login,
  MadeUser,
  makeClass,
  makeClassTeacher,
  makeSchool,
  makeSubject,
  makeUser,
} from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * Announcements: who may send to whom, recipients fixed at send time, read/confirm tracking
 * with exact counts, and reminders that are idempotent within an hour.
 */
describe('messaging: announcements', () => {
  let t: TestApp;
  const u: Record<string, MadeUser> = {};
  const tok: Record<string, string> = {};
  const api = '/api/v1/messaging/announcements';
  let classA: { id: string };
  let classA2: { id: string };
  let classB: { id: string };
  /** Active users of school A except its admin. */
  const SCHOOL_A_OTHERS = ['teacher', 'classTeacher', 'student1', 'student2', 'student3', 'parent1', 'parent3', 'admin2'];

  beforeAll(async () => {
    t = await createTestApp();
    const schoolA = await makeSchool(t.db);
    const schoolB = await makeSchool(t.db);
    classA = await makeClass(t.db, { schoolId: schoolA.id, name: '7А' });
    classA2 = await makeClass(t.db, { schoolId: schoolA.id, name: '8Б' });
    classB = await makeClass(t.db, { schoolId: schoolB.id, name: '7А' });
    const math = await makeSubject(t.db, { schoolId: schoolA.id });
    const staff = { birthDate: '1980-05-05' };
    u.admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolA.id, ...staff });
    u.admin2 = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolA.id, ...staff });
    u.teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id, ...staff });
    u.classTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id, ...staff });
    u.student1 = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id, classId: classA.id, lastName: 'Алексеев' });
    u.student2 = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id, classId: classA.id, lastName: 'Борисов' });
    u.student3 = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id, classId: classA2.id });
    u.parent1 = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolA.id, lastName: 'Алексеева', ...staff });
    u.parent3 = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolA.id, ...staff });
    u.blocked = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id, classId: classA.id, status: 'blocked' });
    u.adminB = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolB.id, ...staff });
    u.studentB = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolB.id, classId: classB.id });
    await assignTeacher(t.db, u.teacher.id, classA.id, math.id);
    await makeClassTeacher(t.db, u.classTeacher.id, classA.id);
    await linkParent(t.db, u.parent1.id, u.student1.id);
    await linkParent(t.db, u.parent3.id, u.student3.id);
    for (const name of Object.keys(u)) if (name !== 'blocked') tok[name] = (await login(t, u[name])).accessToken;
  });
  afterAll(() => t.close());

  const recipientIds = async (id: string, who = 'admin', status = 'all'): Promise<string[]> => {
    const res = await t.http.get(`${api}/${id}/recipients?limit=200&status=${status}`).set(bearer(tok[who])).expect(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items.map((r: { user: { id: string } }) => r.user.id).sort();
  };
  const sorted = (...names: string[]): string[] => names.map((n) => u[n].id).sort();
  const stats = async (id: string, who = 'admin') => (await t.http.get(`${api}/${id}/stats`).set(bearer(tok[who])).expect(200)).body;

  describe('school-wide announcement with confirmation', () => {
    let id: string;

    it('resolves the recipients at send time: every active user of the school but the sender', async () => {
      const res = await t.http
        .post(api)
        .set(bearer(tok.admin))
        .send({ audience: 'school', title: ' Родительское собрание ', body: 'В четверг в 18:00, актовый зал.', requiresConfirmation: true })
        .expect(201);
      expect(res.body).toMatchObject({
        audience: 'school',
        classId: null,
        role: null,
        title: 'Родительское собрание',
        requiresConfirmation: true,
        sender: { id: u.admin.id },
        stats: { total: SCHOOL_A_OTHERS.length, read: 0, confirmed: 0, requiresConfirmation: true },
      });
      id = res.body.id;
      expect(await recipientIds(id)).toEqual(sorted(...SCHOOL_A_OTHERS));
      // A user created later does not receive it.
      await makeUser(t.db, {
        roles: [Role.Student],
        schoolId: (await t.db.query('SELECT school_id FROM users WHERE id = $1', [u.admin.id]))[0].school_id,
      });
      expect((await stats(id)).total).toBe(SCHOOL_A_OTHERS.length);
    });

    it('counts reads and confirmations exactly', async () => {
      const total = SCHOOL_A_OTHERS.length;
      const inbox = await t.http.get(api).set(bearer(tok.student1)).expect(200);
      expect(inbox.body).toMatchObject({ total: 1, items: [{ id, readAt: null, confirmedAt: null, requiresConfirmation: true }] });
      expect((await t.http.get('/api/v1/messaging/unread').set(bearer(tok.student1)).expect(200)).body.announcements).toBe(1);

      const read = await t.http.post(`${api}/${id}/read`).set(bearer(tok.student1)).expect(200);
      expect(read.body.readAt).toEqual(expect.any(String));
      expect(read.body.confirmedAt).toBeNull();
      await t.http.post(`${api}/${id}/read`).set(bearer(tok.student1)).expect(200); // twice counts once
      expect(await stats(id)).toEqual({ total, read: 1, confirmed: 0, requiresConfirmation: true });

      // Confirming also marks as read.
      const confirmed = await t.http.post(`${api}/${id}/confirm`).set(bearer(tok.parent1)).expect(200);
      expect(confirmed.body).toMatchObject({ readAt: expect.any(String), confirmedAt: expect.any(String) });
      expect(await stats(id)).toEqual({ total, read: 2, confirmed: 1, requiresConfirmation: true });
      await t.http.post(`${api}/${id}/confirm`).set(bearer(tok.student1)).expect(200);
      await t.http.post(`${api}/${id}/confirm`).set(bearer(tok.student1)).expect(200);
      await t.http.post(`${api}/${id}/read`).set(bearer(tok.teacher)).expect(200);
      expect(await stats(id)).toEqual({ total, read: 3, confirmed: 2, requiresConfirmation: true });
      // Another admin of the same school manages it too.
      expect(await stats(id, 'admin2')).toEqual({ total, read: 3, confirmed: 2, requiresConfirmation: true });

      expect(await recipientIds(id, 'admin', 'read')).toEqual(sorted('student1', 'parent1', 'teacher'));
      expect(await recipientIds(id, 'admin', 'confirmed')).toEqual(sorted('student1', 'parent1'));
      expect(await recipientIds(id, 'admin', 'unread')).toEqual(
        sorted(...SCHOOL_A_OTHERS.filter((n) => !['student1', 'parent1', 'teacher'].includes(n))),
      );
      expect(await recipientIds(id, 'admin', 'unconfirmed')).toEqual(
        sorted(...SCHOOL_A_OTHERS.filter((n) => !['student1', 'parent1'].includes(n))),
      );
      const page = await t.http.get(`${api}/${id}/recipients?limit=2&offset=0`).set(bearer(tok.admin)).expect(200);
      expect(page.body).toMatchObject({ total, limit: 2, offset: 0 });
      expect(page.body.items[0]).toEqual({
        user: {
          id: expect.any(String),
          lastName: expect.any(String),
          firstName: expect.any(String),
          middleName: null,
          roles: expect.any(Array),
        },
        readAt: null === page.body.items[0].readAt ? null : expect.any(String),
        confirmedAt: null === page.body.items[0].confirmedAt ? null : expect.any(String),
        lastRemindedAt: null,
        reminderCount: 0,
      });
    });

    it('reminds those who have not read or confirmed, at most once an hour', async () => {
      const pending = SCHOOL_A_OTHERS.length - 2; // student1 and parent1 confirmed
      const first = await t.http.post(`${api}/${id}/remind`).set(bearer(tok.admin)).expect(200);
      expect(first.body).toEqual({ reminded: pending, skipped: 0 });
      const again = await t.http.post(`${api}/${id}/remind`).set(bearer(tok.admin2)).expect(200);
      expect(again.body).toEqual({ reminded: 0, skipped: pending });

      const [{ n }] = await t.db.query(
        'SELECT count(*)::int AS n FROM announcement_recipients WHERE announcement_id = $1 AND reminder_count = 1',
        [id],
      );
      expect(n).toBe(pending);
      const [teacherRow] = await t.db.query(
        'SELECT reminder_count FROM announcement_recipients WHERE announcement_id = $1 AND user_id = $2',
        [id, u.teacher.id],
      );
      expect(teacherRow.reminder_count).toBe(1); // read but not confirmed: still reminded

      // An hour later, the teacher has confirmed meanwhile: one fewer to remind.
      await t.http.post(`${api}/${id}/confirm`).set(bearer(tok.teacher)).expect(200);
      await t.db.query(
        `UPDATE announcement_recipients SET last_reminded_at = last_reminded_at - interval '61 minutes' WHERE announcement_id = $1`,
        [id],
      );
      const later = await t.http.post(`${api}/${id}/remind`).set(bearer(tok.admin)).expect(200);
      expect(later.body).toEqual({ reminded: pending - 1, skipped: 0 });
    });

    it('keeps it away from other schools and from non-recipients', async () => {
      expect((await t.http.get(api).set(bearer(tok.studentB)).expect(200)).body).toMatchObject({ total: 0, items: [] });
      for (const [who, path, method] of [
        ['studentB', `${api}/${id}`, 'get'],
        ['studentB', `${api}/${id}/read`, 'post'],
        ['studentB', `${api}/${id}/confirm`, 'post'],
        ['adminB', `${api}/${id}/stats`, 'get'],
        ['adminB', `${api}/${id}/recipients`, 'get'],
        ['adminB', `${api}/${id}/remind`, 'post'],
        ['admin', `${api}/${id}`, 'get'], // the sender is not a recipient
        ['classTeacher', `${api}/${id}/stats`, 'get'], // a class teacher manages only own announcements
      ] as const) {
        const res = await (method === 'get' ? t.http.get(path) : t.http.post(path)).set(bearer(tok[who]));
        expect({ who, path, status: res.status, code: res.body.code }).toEqual({ who, path, status: 404, code: 'ANNOUNCEMENT_NOT_FOUND' });
      }
      // Recipients without the sender role cannot reach the sender routes at all.
      expect((await t.http.get(`${api}/${id}/stats`).set(bearer(tok.student1))).status).toBe(403);
    });
  });

  describe('class and role audiences', () => {
    it('lets a class teacher announce to their own class only: its students and their parents', async () => {
      const res = await t.http
        .post(api)
        .set(bearer(tok.classTeacher))
        .send({ audience: 'class', classId: classA.id, title: 'Экскурсия', body: 'В пятницу едем в музей.' })
        .expect(201);
      expect(res.body).toMatchObject({
        audience: 'class',
        classId: classA.id,
        requiresConfirmation: false,
        stats: { total: 3, read: 0, confirmed: 0 },
      });
      expect(await recipientIds(res.body.id, 'classTeacher')).toEqual(sorted('student1', 'student2', 'parent1'));

      const notConfirmable = await t.http.post(`${api}/${res.body.id}/confirm`).set(bearer(tok.student2));
      expect(notConfirmable.status).toBe(400);
      expect(notConfirmable.body.code).toBe('CONFIRMATION_NOT_REQUESTED');

      const other = await t.http
        .post(api)
        .set(bearer(tok.classTeacher))
        .send({ audience: 'class', classId: classA2.id, title: 'X', body: 'Y' });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('CLASS_NOT_FOUND');
      const school = await t.http.post(api).set(bearer(tok.classTeacher)).send({ audience: 'school', title: 'X', body: 'Y' });
      expect(school.status).toBe(403);
      expect(school.body.code).toBe('ANNOUNCEMENT_AUDIENCE_NOT_ALLOWED');
      // A teacher who leads no class, a student and a parent may not send at all.
      for (const who of ['teacher', 'student1', 'parent1']) {
        const res2 = await t.http.post(api).set(bearer(tok[who])).send({ audience: 'class', classId: classA.id, title: 'X', body: 'Y' });
        expect(res2.status).toBe(403);
      }
      const sent = await t.http.get(`${api}/sent`).set(bearer(tok.classTeacher)).expect(200);
      expect(sent.body).toMatchObject({ total: 1, items: [{ id: res.body.id, stats: { total: 3 } }] });
    });

    it('lets a school admin announce to a role or to any class of their school', async () => {
      const parents = await t.http
        .post(api)
        .set(bearer(tok.admin))
        .send({ audience: 'role', role: 'parent', title: 'Родителям', body: 'Текст' })
        .expect(201);
      expect(await recipientIds(parents.body.id)).toEqual(sorted('parent1', 'parent3'));
      const cls = await t.http
        .post(api)
        .set(bearer(tok.admin))
        .send({ audience: 'class', classId: classA2.id, title: '8Б', body: 'Текст' })
        .expect(201);
      expect(await recipientIds(cls.body.id)).toEqual(sorted('student3', 'parent3'));
      const foreign = await t.http.post(api).set(bearer(tok.admin)).send({ audience: 'class', classId: classB.id, title: 'X', body: 'Y' });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('CLASS_NOT_FOUND');

      // parent3 now has two unread; unread first, then newest first.
      await t.http.post(`${api}/${parents.body.id}/read`).set(bearer(tok.parent3)).expect(200);
      const inbox = await t.http.get(`${api}?order=unread_first`).set(bearer(tok.parent3)).expect(200);
      expect(inbox.body.items.map((a: { id: string }) => a.id)[0]).toBe(cls.body.id);
      expect(inbox.body.items[0].readAt).toBeNull();
      const newest = await t.http.get(`${api}?order=newest&limit=1`).set(bearer(tok.parent3)).expect(200);
      expect(newest.body).toMatchObject({ limit: 1, items: [{ id: cls.body.id }] });
      expect(newest.body.total).toBeGreaterThanOrEqual(3);

      const sent = await t.http.get(`${api}/sent?limit=100`).set(bearer(tok.admin2)).expect(200);
      expect(sent.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([parents.body.id, cls.body.id]));
      expect((await t.http.get(`${api}/sent`).set(bearer(tok.adminB)).expect(200)).body.total).toBe(0);
    });

    it('refuses bad input with 4xx and writes nothing', async () => {
      const [{ n: before }] = await t.db.query('SELECT count(*)::int AS n FROM announcements');
      const bad: Array<Record<string, unknown>> = [
        { audience: 'class', title: 'X', body: 'Y' },
        { audience: 'role', title: 'X', body: 'Y' },
        { audience: 'role', role: 'platform_admin', title: 'X', body: 'Y' },
        { audience: 'school', classId: classA.id, title: 'X', body: 'Y' },
        { audience: 'school', role: 'student', title: 'X', body: 'Y' },
        { audience: 'galaxy', title: 'X', body: 'Y' },
        { audience: 'school', title: ' ', body: 'Y' },
        { audience: 'school', title: 'X'.repeat(201), body: 'Y' },
        { audience: 'school', title: 'X', body: 'Y', requiresConfirmation: 'yes' },
        { audience: 'school', title: 'X', body: 'Y', extra: true },
      ];
      for (const body of bad) {
        const res = await t.http.post(api).set(bearer(tok.admin)).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      }
      // A class with nobody in it: refused as a whole.
      const empty = await makeClass(t.db, {
        schoolId: (await t.db.query('SELECT school_id FROM users WHERE id = $1', [u.admin.id]))[0].school_id,
      });
      const none = await t.http.post(api).set(bearer(tok.admin)).send({ audience: 'class', classId: empty.id, title: 'X', body: 'Y' });
      expect(none.status).toBe(400);
      expect(none.body.code).toBe('ANNOUNCEMENT_NO_RECIPIENTS');
      const [{ n: after }] = await t.db.query('SELECT count(*)::int AS n FROM announcements');
      expect(after).toBe(before);
      expect((await t.http.get(`${api}?order=random`).set(bearer(tok.parent1))).status).toBe(400);
      expect((await t.http.get(`${api}/x/stats`).set(bearer(tok.admin))).status).toBe(404);
    });
  });
});
