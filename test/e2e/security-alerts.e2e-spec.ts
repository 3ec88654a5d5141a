/**
 * Security alerts end to end (APP_ROLE=all: the outbox relay, the fan-out and push delivery run): a
 * lockout, a sign-in from a new device and a second-factor reset reach the user as in-app notifications
 * and pushes, whatever their preferences; a staff lockout also reaches their school's admins.
 * TRUST_PROXY lets the test sign in "from" different addresses through X-Forwarded-For.
 */
import { Role } from '../../src/common/auth/role';
import { Authenticator, bearer, login, MadeUser, makeSchool, makeUser, waitFor } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeFcm, fakeFcmEnv, startFakeFcm } from '../utils/fake-fcm';

jest.setTimeout(120_000);

interface Note {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('security alerts (e2e)', () => {
  let t: TestApp;
  let fcm: FakeFcm;
  let schoolId: string;
  let adminA: MadeUser;
  let adminB: MadeUser;

  beforeAll(async () => {
    fcm = await startFakeFcm();
    t = await createTestApp({
      APP_ROLE: 'all',
      OUTBOX_POLL_MS: '50',
      TRUST_PROXY: 'true',
      LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      ...fakeFcmEnv(fcm),
    });
    schoolId = (await makeSchool(t.db)).id;
    adminA = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId });
    adminB = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: (await makeSchool(t.db)).id });
  });
  afterAll(async () => {
    await t?.close();
    await fcm?.close();
  });

  const signIn = (u: { login: string; password: string }, ip: string, ua: string) =>
    t.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).set('User-Agent', ua).send({ login: u.login, password: u.password });
  const securityNotes = async (userId: string): Promise<Note[]> =>
    t.db.query(`SELECT id::text, kind, title, body, data FROM notifications WHERE user_id = $1 AND kind = 'security' ORDER BY id`, [
      userId,
    ]);
  const pushesFor = (token: string) => fcm.sends.map((r) => r.message).filter((m) => m?.token === token);
  /** Mutes every preference kind and asks for the daily digest: security alerts must come through all the same. */
  async function muteEverything(accessToken: string): Promise<void> {
    const off = Object.fromEntries(
      ['grade', 'attendance', 'homework', 'schedule', 'reminder', 'message', 'announcement'].map((k) => [k, 'off']),
    );
    await t.http.patch('/api/v1/notifications/preferences').set(bearer(accessToken)).send({ channels: off, dailyDigest: true }).expect(200);
    const bad = await t.http
      .patch('/api/v1/notifications/preferences')
      .set(bearer(accessToken))
      .send({ channels: { security: 'off' } });
    expect(bad.status).toBe(400); // not a preference kind
  }
  /** Waits until every outbox event of the user has been fanned out. */
  const settled = (userId: string) =>
    waitFor(async () => {
      const [r] = await t.db.query(
        `SELECT count(*)::int AS n FROM domain_events e WHERE e.aggregate_id = $1 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.id)`,
        [userId],
      );
      return r.n === 0;
    }, "fan-out of the user's events");

  it('a staff lockout notifies the teacher (in-app and push, though everything is muted) and their school admins, not other schools', async () => {
    const teacher = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId,
      lastName: 'Замкова',
      firstName: 'Вера',
      middleName: 'Павловна',
    });
    const { accessToken } = await login(t, teacher);
    await muteEverything(accessToken);
    const device = `fcm-token-teacher-${teacher.id}`;
    await t.http
      .post('/api/v1/notifications/devices/mobile')
      .set(bearer(accessToken))
      .send({ token: device, platform: 'android' })
      .expect(201);

    for (let i = 0; i < 4; i++) expect((await signIn({ login: teacher.login, password: 'wrong' }, '10.20.30.40', CHROME)).status).toBe(401);
    expect((await signIn({ login: teacher.login, password: 'wrong' }, '10.20.30.40', CHROME)).status).toBe(423);
    // refusals while locked lock nothing new
    expect((await signIn(teacher, '10.20.30.40', CHROME)).status).toBe(423);

    const [own] = await waitFor(async () => {
      const n = await securityNotes(teacher.id);
      return n.length ? n : null;
    }, "the teacher's alert");
    expect(own).toMatchObject({
      kind: 'security',
      title: 'Вход временно заблокирован',
      body: 'После 5 неудачных попыток входа подряд вход в вашу учётную запись заблокирован на 15 минут. Если это были не вы, смените пароль и сообщите администратору школы.',
      data: { eventType: 'security.account_locked', userId: teacher.id },
    });
    const [toAdmin] = await waitFor(async () => {
      const n = (await securityNotes(adminA.id)).filter((x) => x.data.userId === teacher.id);
      return n.length ? n : null;
    }, "the school admin's alert");
    expect(toAdmin.title).toBe('Блокировка учётной записи сотрудника');
    expect(toAdmin.body).toContain('Замкова Вера Павловна');
    await settled(teacher.id);
    expect(await securityNotes(teacher.id)).toHaveLength(1);
    expect((await securityNotes(adminB.id)).filter((x) => x.data.userId === teacher.id)).toEqual([]);
    // the owner reads it in the list
    const list = await t.http.get('/api/v1/notifications').set(bearer(accessToken)).expect(200);
    expect(list.body.items.map((n: Note) => n.id)).toContain(own.id);

    const push = await waitFor(async () => pushesFor(device).find((m) => m.data?.notificationId === own.id), 'the push');
    expect(push.notification).toEqual({ title: own.title, body: own.body });
    expect(JSON.stringify(push)).not.toContain('10.20.30');
  });

  it("a parent's lockout notifies the parent only", async () => {
    const parent = await makeUser(t.db, { roles: [Role.Parent], schoolId });
    for (let i = 0; i < 5; i++) await signIn({ login: parent.login, password: 'wrong' }, '10.20.30.41', CHROME);
    await waitFor(async () => (await securityNotes(parent.id)).length === 1, "the parent's alert");
    await settled(parent.id);
    expect((await securityNotes(adminA.id)).filter((x) => x.data.userId === parent.id)).toEqual([]);
  });

  it('a sign-in from a new device (browser or network) is reported; the first one ever, the same device and the same /24 network are not', async () => {
    const parent = await makeUser(t.db, { roles: [Role.Parent], schoolId });
    await signIn(parent, '10.1.2.3', CHROME).expect(200); // the first sign-in ever
    await signIn(parent, '10.1.2.3', CHROME).expect(200);
    await signIn(parent, '10.1.2.99', CHROME).expect(200); // another address of the same network
    await settled(parent.id);
    expect(await securityNotes(parent.id)).toEqual([]);

    await signIn(parent, '10.1.2.3', FIREFOX).expect(200); // another browser
    const [note] = await waitFor(async () => {
      const n = await securityNotes(parent.id);
      return n.length ? n : null;
    }, 'the new-device alert');
    expect(note).toMatchObject({
      title: 'Вход с нового устройства',
      body: 'Выполнен вход в вашу учётную запись по логину и паролю с нового устройства (Firefox, Linux). Если это были не вы, смените пароль и сообщите администратору школы.',
      data: { eventType: 'security.new_device', userId: parent.id },
    });
    expect(JSON.stringify(note)).not.toContain('10.1.2');

    await signIn(parent, '192.168.7.7', CHROME).expect(200); // another network
    await waitFor(async () => (await securityNotes(parent.id)).length === 2, 'the second new-device alert');
    await signIn(parent, '192.168.7.8', CHROME).expect(200); // now known
    await settled(parent.id);
    expect(await securityNotes(parent.id)).toHaveLength(2);
  });

  it('an admin reset of the second factor notifies the user', async () => {
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId });
    const { accessToken } = await login(t, teacher);
    const start = await t.http.post('/api/v1/me/mfa/totp').set(bearer(accessToken)).expect(201);
    await t.http
      .post('/api/v1/me/mfa/totp/confirm')
      .set(bearer(accessToken))
      .send({ code: await new Authenticator(start.body.secret).next() })
      .expect(200);
    await t.http
      .delete(`/api/v1/admin/users/${teacher.id}/mfa`)
      .set(bearer((await login(t, adminA)).accessToken))
      .expect(204);
    const [note] = await waitFor(async () => {
      const n = await securityNotes(teacher.id);
      return n.length ? n : null;
    }, 'the reset alert');
    expect(note).toMatchObject({ title: 'Второй фактор входа отключён', data: { eventType: 'security.mfa_reset', userId: teacher.id } });
    expect(await securityNotes(adminA.id).then((n) => n.filter((x) => x.data.eventType === 'security.mfa_reset'))).toEqual([]); // the actor is not told
  });
});
