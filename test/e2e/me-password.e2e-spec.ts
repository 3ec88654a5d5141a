import { Role } from '../../src/common/auth/role';
import { AuthService } from '../../src/modules/auth/auth.service';
import { MePasswordService } from '../../src/modules/auth/me-password.service';
import { AccessChangePublisher } from '../../src/modules/users/access-change.publisher';
import { bearer, linkEsiaAccount, login, makeSchool, makeUser, setAuthSettings } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

jest.setTimeout(120_000);

describe('POST /me/password: own password', () => {
  let t: TestApp;
  let schoolId: string;

  const change = (token: string, body: object) => t.http.post('/api/v1/me/password').set(bearer(token)).send(body);
  const me = (token: string) => t.http.get('/api/v1/me').set(bearer(token));
  const refresh = (refreshToken: string) => t.http.post('/api/v1/auth/refresh').send({ refreshToken });
  const history = async (userId: string) =>
    t.db.query<Array<{ method: string; outcome: string; reason: string }>>(
      'SELECT method, outcome, reason FROM login_attempts WHERE user_id = $1 ORDER BY id',
      [userId],
    );
  /** A session as an ESIA sign-in opens it (the browser flow itself is in esia-flow.e2e-spec.ts). */
  const esiaSession = (userId: string) => t.app.get(AuthService).signIn(userId, 'esia', { ip: null, userAgent: null }, 'already_linked');

  beforeAll(async () => {
    t = await createTestApp();
    schoolId = (await makeSchool(t.db)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('with the current password: the other sessions end, this one goes on with a fresh pair, and the history says so', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const mine = await login(t, u);
    const other = await login(t, u);

    const res = await change(mine.accessToken, { currentPassword: u.password, newPassword: 'Novyi-parol-2026' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: expect.any(Number) });
    expect(res.body.refreshToken.split('.')[0]).toBe(mine.refreshToken.split('.')[0]); // same session

    // the other session: access and refresh refused
    expect((await me(other.accessToken)).body.code).toBe('SESSION_REVOKED');
    expect((await refresh(other.refreshToken)).body.code).toBe('SESSION_REVOKED');
    // this session: the old access token still works (moved to the new epoch), the new pair works
    await me(mine.accessToken).expect(200);
    await me(res.body.accessToken).expect(200);
    await refresh(res.body.refreshToken).expect(200);

    expect((await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password })).status).toBe(401);
    await login(t, { login: u.login, password: 'Novyi-parol-2026' });
    expect((await history(u.id)).filter((h) => h.reason === 'password_changed')).toEqual([
      { method: 'password', outcome: 'success', reason: 'password_changed' },
    ]);
  });

  it('a wrong current password: 403 CURRENT_PASSWORD_INVALID telling an unlinked user to ask the school admin, counted towards the lockout', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    const s = await login(t, u);
    for (let i = 1; i <= 4; i++) {
      const res = await change(s.accessToken, { currentPassword: `wrong-${i}-pass`, newPassword: 'Novyi-parol-2026' });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'CURRENT_PASSWORD_INVALID' });
      expect(res.body.message).toContain('обратитесь к администратору школы');
    }
    const fifth = await change(s.accessToken, { currentPassword: 'wrong-5-pass', newPassword: 'Novyi-parol-2026' });
    expect({ status: fifth.status, code: fifth.body.code }).toEqual({ status: 423, code: 'ACCOUNT_LOCKED' });
    // locked: even the right password is refused without being checked, and sign-in is locked too
    const right = await change(s.accessToken, { currentPassword: u.password, newPassword: 'Novyi-parol-2026' });
    expect(right.body.code).toBe('ACCOUNT_LOCKED');
    expect((await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password })).body.code).toBe('ACCOUNT_LOCKED');
    expect((await history(u.id)).slice(-7).map((h) => h.reason)).toEqual([
      'password_change_wrong_current',
      'password_change_wrong_current',
      'password_change_wrong_current',
      'password_change_wrong_current',
      'password_change_wrong_current_locked',
      'password_change_locked',
      'locked',
    ]);
    await me(s.accessToken).expect(200); // a lock ends no session
  });

  it('a linked user who typed a wrong password is told to sign in through Госуслуги instead', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkEsiaAccount(t.db, u.id);
    const s = await login(t, u);
    const res = await change(s.accessToken, { currentPassword: 'not-my-pass-1', newPassword: 'Novyi-parol-2026' });
    expect(res.body.code).toBe('CURRENT_PASSWORD_INVALID');
    expect(res.body.message).toContain('Госуслуги');
  });

  it('forgotten password: right after an ESIA sign-in the current password may be omitted; later, or after a password sign-in, it may not', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Student], birthDate: '2008-03-01' });
    await linkEsiaAccount(t.db, u.id);
    const byPassword = await login(t, u);
    const required = await change(byPassword.accessToken, { newPassword: 'Novyi-parol-2026' });
    expect({ status: required.status, code: required.body.code }).toEqual({ status: 400, code: 'CURRENT_PASSWORD_REQUIRED' });

    const stale = await esiaSession(u.id);
    await t.db.query(`UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE id = $1`, [stale.refreshToken.split('.')[0]]);
    expect((await change(stale.accessToken, { newPassword: 'Novyi-parol-2026' })).body.code).toBe('CURRENT_PASSWORD_REQUIRED');

    const fresh = await esiaSession(u.id);
    const res = await change(fresh.accessToken, { newPassword: 'Novyi-parol-2026' });
    expect(res.status).toBe(200);
    await me(res.body.accessToken).expect(200);
    expect((await me(byPassword.accessToken)).body.code).toBe('SESSION_REVOKED');
    await login(t, { login: u.login, password: 'Novyi-parol-2026' });
    expect((await history(u.id)).filter((h) => h.reason === 'password_changed')).toEqual([
      { method: 'esia', outcome: 'success', reason: 'password_changed' },
    ]);
  });

  it('also where the region closed password sign-in (the password still links a Госуслуги account)', async () => {
    const closedSchool = await makeSchool(t.db);
    const [{ region_id }] = await t.db.query('SELECT region_id FROM schools WHERE id = $1', [closedSchool.id]);
    await setAuthSettings(t.db, region_id, { transitionEndsAt: new Date(Date.now() - 86_400_000) });
    const u = await makeUser(t.db, { schoolId: closedSchool.id, roles: [Role.Parent] });
    await linkEsiaAccount(t.db, u.id);
    const s = await esiaSession(u.id);
    await change(s.accessToken, { newPassword: 'Novyi-parol-2026' }).expect(200);
    expect((await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'Novyi-parol-2026' })).body.code).toBe(
      'PASSWORD_LOGIN_CLOSED',
    );
  });

  it('the new password follows the same rule as an admin-set one (400 VALIDATION_FAILED, field newPassword); nothing changes', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const s = await login(t, u);
    for (const newPassword of ['short1', 'onlyletters', '12345678901', u.login, 'я'.repeat(36) + '1']) {
      const res = await change(s.accessToken, { currentPassword: u.password, newPassword });
      expect({ status: res.status, code: res.body.code, field: res.body.details?.[0]?.field }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'newPassword',
      });
    }
    const extra = await change(s.accessToken, { currentPassword: u.password, newPassword: 'Novyi-parol-2026', oldPassword: 'x' });
    expect(extra.status).toBe(400);
    await login(t, u); // the old password still works
    const [row] = await t.db.query('SELECT failed_login_count FROM users WHERE id = $1', [u.id]);
    expect(row.failed_login_count).toBe(0);
  });

  it('a blocked user cannot: the session already ended', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Teacher] });
    const s = await login(t, u);
    await t.db.query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [u.id]);
    await t.app.get(AccessChangePublisher).publish([u.id]);
    const res = await change(s.accessToken, { currentPassword: u.password, newPassword: 'Novyi-parol-2026' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'SESSION_REVOKED' });
  });

  it('does not bring back a session ended a moment before (an admin reset racing the change)', async () => {
    const u = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkEsiaAccount(t.db, u.id);
    const s = await esiaSession(u.id);
    const sessionId = s.refreshToken.split('.')[0];
    // the request passed the guard, then the admin's reset committed
    await t.db.query(`UPDATE users SET password_hash = 'x' WHERE id = $1`, [u.id]);
    const p = { userId: u.id, sessionId, roles: [Role.Parent], schoolId, regionId: null };
    await expect(
      t.app.get(MePasswordService).change(p, undefined, 'Novyi-parol-2026', { ip: null, userAgent: null }),
    ).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    const [row] = await t.db.query(
      'SELECT u.password_hash, s.epoch, u.session_epoch FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.id = $1',
      [sessionId],
    );
    expect(row).toEqual({ password_hash: 'x', epoch: 0, session_epoch: 1 }); // rolled back, the session stays behind
  });

  it('needs a signed-in user', async () => {
    expect((await t.http.post('/api/v1/me/password').send({ newPassword: 'Novyi-parol-2026' })).status).toBe(401);
  });
});
