import { Role } from '../../src/common/auth/role';
import { AuthService } from '../../src/modules/auth/auth.service';
import { SessionStateReadModel } from '../../src/modules/auth/read-models/session-state.read-model';
import { AccessChangePublisher } from '../../src/modules/users/access-change.publisher';
import { CredentialsService } from '../../src/modules/users/credentials.service';
import { bearer, linkEsiaAccount, login, makeClass, makeSchool, makeUser, MadeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

jest.setTimeout(120_000);

/** The claims of an access token (the tests read what a token says, the app never trusts them unsigned). */
const claimsOf = (token: string): { roles: string[]; sch: string | null; av: number } =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

/**
 * docs/security.md "Sessions and access changes": blocking, a password reset, an ESIA link revoke and a deleted
 * account END every session (old access AND refresh tokens refused on the next request); a role or school change
 * RE-SCOPES them (the next request of the old token already runs with the new roles/school).
 */
describe('account changes take effect on the next request', () => {
  let t: TestApp;
  let schoolId: string;
  let otherSchoolId: string;
  let adminToken: string;

  const patchUser = (id: string, body: object, token = adminToken) =>
    t.http.patch(`/api/v1/admin/users/${id}`).set(bearer(token)).send(body);
  const refresh = (refreshToken: string) => t.http.post('/api/v1/auth/refresh').send({ refreshToken });
  const me = (token: string) => t.http.get('/api/v1/me').set(bearer(token));
  const expectRevoked = async (res: { status: number; body: { code: string } }, code = 'SESSION_REVOKED') => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code });
  };

  beforeAll(async () => {
    t = await createTestApp();
    schoolId = (await makeSchool(t.db)).id;
    otherSchoolId = (await makeSchool(t.db)).id;
    adminToken = (await login(t, await makeUser(t.db, { schoolId, roles: [Role.SchoolAdmin] }))).accessToken;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a school admin demoted to teacher can no longer create users with the old access token; the refresh carries the new roles', async () => {
    const demoted = await makeUser(t.db, { schoolId, roles: [Role.SchoolAdmin] });
    const tokens = await login(t, demoted);
    await t.http.get('/api/v1/admin/users').set(bearer(tokens.accessToken)).expect(200);

    await patchUser(demoted.id, { roles: [Role.Teacher] }).expect(200);

    const create = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(tokens.accessToken))
      .send({
        login: `new.admin.${Date.now()}`,
        password: 'Start-2026!',
        lastName: 'Новый',
        firstName: 'Админ',
        birthDate: '1990-01-01',
        roles: [Role.SchoolAdmin],
        schoolId,
      });
    expect({ status: create.status, code: create.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM users WHERE 'school_admin' = ANY(roles) AND school_id = $1`, [
      schoolId,
    ]);
    expect(n).toBe(1); // only the admin who demoted
    // re-scoped, not ended: the session goes on as a teacher
    await me(tokens.accessToken).expect(200);
    const next = await refresh(tokens.refreshToken).expect(200);
    expect(claimsOf(next.body.accessToken).roles).toEqual([Role.Teacher]);
    expect(claimsOf(next.body.accessToken).av).toBeGreaterThan(claimsOf(tokens.accessToken).av);
  });

  it('a blocked user: the old access token is refused on /me at once and the refresh token too, also after unblocking', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Student] });
    const phone = await login(t, u);
    const laptop = await login(t, u);

    await patchUser(u.id, { status: 'blocked' }).expect(200);

    await expectRevoked(await me(phone.accessToken));
    await expectRevoked(await me(laptop.accessToken));
    const r = await refresh(phone.refreshToken);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 403, code: 'ACCOUNT_DISABLED' });

    await patchUser(u.id, { status: 'active' }).expect(200);
    await expectRevoked(await me(laptop.accessToken));
    expect((await refresh(laptop.refreshToken)).status).toBe(401);
    await me((await login(t, u)).accessToken).expect(200); // signing in again works
  });

  it('an admin password reset ends every session: old access AND old refresh tokens are refused', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    const a = await login(t, u);
    const b = await login(t, u);

    await t.http.put(`/api/v1/admin/users/${u.id}/password`).set(bearer(adminToken)).send({ password: 'Reset-2026-new' }).expect(204);

    await expectRevoked(await me(a.accessToken));
    await expectRevoked(await me(b.accessToken));
    await expectRevoked(await refresh(a.refreshToken));
    await expectRevoked(await refresh(b.refreshToken));
    const [row] = await t.db.query(`SELECT revoked_reason FROM sessions WHERE id = $1`, [a.refreshToken.split('.')[0]]);
    expect(row.revoked_reason).toBe('sessions_ended');
    await login(t, { login: u.login, password: 'Reset-2026-new' });
  });

  it('refuses an admin reset to a weak password (400 VALIDATION_FAILED) and keeps the sessions', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    const s = await login(t, u);
    for (const password of ['short1', 'onlyletters', '1234567890', u.login]) {
      const res = await t.http.put(`/api/v1/admin/users/${u.id}/password`).set(bearer(adminToken)).send({ password });
      expect({ status: res.status, code: res.body.code, field: res.body.details?.[0]?.field }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'password',
      });
    }
    await me(s.accessToken).expect(200);
  });

  it('class teacher granted and removed through the teaching routes: the old token gains and loses the role on the next request', async () => {
    const teacher = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const cls = await makeClass(t.db, { schoolId });
    const tokens = await login(t, teacher);
    const sent = () => t.http.get('/api/v1/messaging/announcements/sent').set(bearer(tokens.accessToken));
    expect((await sent()).status).toBe(403);

    await t.http.put(`/api/v1/admin/classes/${cls.id}/class-teacher`).set(bearer(adminToken)).send({ teacherId: teacher.id }).expect(200);
    expect((await sent()).status).toBe(200);

    await t.http.delete(`/api/v1/admin/classes/${cls.id}/class-teacher`).set(bearer(adminToken)).expect(204);
    expect((await sent()).status).toBe(403);
  });

  it('a school move re-scopes: the same old token of a school admin now lists the new school', async () => {
    // No route moves a user between schools yet: the row is changed as such a route would (users module, then publish).
    const movingAdmin = await makeUser(t.db, { schoolId, roles: [Role.SchoolAdmin] });
    const newcomer = await makeUser(t.db, { schoolId: otherSchoolId, roles: [Role.Student], lastName: 'Переведённая' });
    const tokens = await login(t, movingAdmin);
    const listed = async () =>
      ((await t.http.get('/api/v1/admin/users?limit=200').set(bearer(tokens.accessToken)).expect(200)).body.items as MadeUser[]).map(
        (u) => u.id,
      );
    expect(await listed()).not.toContain(newcomer.id);

    const [before] = await t.db.query('SELECT auth_version FROM users WHERE id = $1', [movingAdmin.id]);
    await t.db.query('UPDATE users SET school_id = $2, region_id = (SELECT region_id FROM schools WHERE id = $2) WHERE id = $1', [
      movingAdmin.id,
      otherSchoolId,
    ]);
    await t.app.get(AccessChangePublisher).publish([movingAdmin.id]);

    const [after] = await t.db.query('SELECT auth_version FROM users WHERE id = $1', [movingAdmin.id]);
    expect(after.auth_version).toBe(before.auth_version + 1); // the trigger counted the move
    expect(await listed()).toContain(newcomer.id);
    expect(claimsOf((await refresh(tokens.refreshToken).expect(200)).body.accessToken).sch).toBe(otherSchoolId);
  });

  it('a deleted account: its old access and refresh tokens are refused', async () => {
    // No route deletes users yet; a deletion by the users module would publish like this.
    const u = await makeUser(t.db, { schoolId, roles: [Role.Student] });
    const tokens = await login(t, u);
    await t.db.query('DELETE FROM users WHERE id = $1', [u.id]);
    await t.app.get(AccessChangePublisher).publish([u.id]);
    await expectRevoked(await me(tokens.accessToken));
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
  });

  it('an admin revoking the Госуслуги link ends the ESIA sessions (access and refresh) and leaves the password ones', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkEsiaAccount(t.db, u.id);
    const [{ id: linkId }] = await t.db.query('SELECT id FROM esia_links WHERE user_id = $1', [u.id]);
    // the session an ESIA sign-in opens (the whole browser flow is in esia-flow.e2e-spec.ts)
    const esia = await t.app.get(AuthService).signIn(u.id, 'esia', { ip: null, userAgent: null }, 'already_linked');
    const password = await login(t, u);

    await t.http.delete(`/api/v1/admin/esia-links/${linkId}`).set(bearer(adminToken)).expect(204);

    await expectRevoked(await me(esia.accessToken));
    expect((await refresh(esia.refreshToken)).status).toBe(401);
    await me(password.accessToken).expect(200);
    await refresh(password.refreshToken).expect(200);
  });

  it('CredentialsService.endAllSessions (the hook for a second-factor reset) ends every session and changes nothing else', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const tokens = await login(t, u);
    await t.app.get(CredentialsService).endAllSessions(u.id);
    await expectRevoked(await me(tokens.accessToken));
    await expectRevoked(await refresh(tokens.refreshToken));
    await login(t, u); // same password
  });

  it('the trigger is the only writer of auth_version, and the session epoch never goes back', async () => {
    const u = await makeUser(t.db, { schoolId });
    await t.db.query('UPDATE users SET auth_version = 100, session_epoch = 0 WHERE id = $1', [u.id]);
    await t.db.query(`UPDATE users SET last_name = 'Другая' WHERE id = $1`, [u.id]);
    expect((await t.db.query('SELECT auth_version, session_epoch FROM users WHERE id = $1', [u.id]))[0]).toEqual({
      auth_version: 0,
      session_epoch: 0,
    });
    await t.db.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [u.id]);
    await t.db.query(`UPDATE users SET session_epoch = 0, status = 'active' WHERE id = $1`, [u.id]);
    expect((await t.db.query('SELECT auth_version, session_epoch FROM users WHERE id = $1', [u.id]))[0]).toEqual({
      auth_version: 2,
      session_epoch: 1,
    });
  });

  it('the normal path reads no database; a stale token costs one query per process until refreshed', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const tokens = await login(t, u);
    const spy = jest.spyOn(t.app.get(SessionStateReadModel), 'sessionWithUser');
    try {
      for (let i = 0; i < 3; i++) await me(tokens.accessToken).expect(200);
      expect(spy).not.toHaveBeenCalled();

      await patchUser(u.id, { roles: [Role.Teacher, Role.Parent] }).expect(200);
      for (let i = 0; i < 3; i++) await me(tokens.accessToken).expect(200);
      expect(spy).toHaveBeenCalledTimes(1);

      const fresh = (await refresh(tokens.refreshToken).expect(200)).body;
      for (let i = 0; i < 3; i++) await me(fresh.accessToken).expect(200);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
