import { Role } from '../../src/common/auth/role';
import { assignTeacher, bearer, login, makeClass, makeSchool, makeSubject, makeUser, waitFor } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

jest.setTimeout(60_000);

describe('messages and announcements become notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'all', OUTBOX_POLL_MS: '50' });
  });
  afterAll(() => t.close());

  it('notifies the other member of a new message, never the sender, and with no message text', async () => {
    const school = await makeSchool(t.db);
    const cls = await makeClass(t.db, { schoolId: school.id });
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id, birthDate: '1980-01-01' });
    const student = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id, classId: cls.id });
    await assignTeacher(t.db, teacher.id, cls.id, (await makeSubject(t.db, { schoolId: school.id })).id);
    const tt = (await login(t, teacher)).accessToken;
    const st = (await login(t, student)).accessToken;

    const conv = (await t.http.post('/api/v1/messaging/conversations/direct').set(bearer(tt)).send({ userId: student.id }).expect(200))
      .body;
    await t.http
      .post(`/api/v1/messaging/conversations/${conv.id}/messages`)
      .set(bearer(tt))
      .send({ body: 'Завтра контрольная по §12' })
      .expect(201);

    const items = await waitFor(async () => {
      const res = await t.http.get('/api/v1/notifications').set(bearer(st)).expect(200);
      return res.body.items.length > 0 ? res.body.items : null;
    }, 'the student notification');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'message', data: expect.objectContaining({ conversationId: conv.id }) });
    expect(JSON.stringify(items[0])).not.toContain('контрольная');
    const mine = await t.http.get('/api/v1/notifications').set(bearer(tt)).expect(200);
    expect(mine.body.items).toEqual([]);
  });
});
