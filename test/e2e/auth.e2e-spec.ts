import { Role } from '../../src/common/auth/role';
import { bearer, login, makeSchool, makeUser, MadeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('diary password sign-in', () => {
  let t: TestApp;
  let student: MadeUser;
  let admin: MadeUser;

  beforeAll(async () => {
    t = await createTestApp();
    const school = await makeSchool(t.db);
    student = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id });
    admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });
  });
  afterAll(() => t.close());

  const attempts = (userId: string) =>
    t.db.query('SELECT method, outcome, reason, ip, user_agent FROM login_attempts WHERE user_id = $1 ORDER BY id', [userId]);

  it('signs in with the right password and returns tokens and the user', async () => {
    const res = await t.http
      .post('/api/v1/auth/login')
      .set('User-Agent', 'jest-phone')
      .send({ login: student.login.toUpperCase(), password: student.password });
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.refreshToken).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.user).toMatchObject({ id: student.id, login: student.login, roles: ['student'] });

    const me = await t.http.get('/api/v1/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body.id).toBe(student.id);

    const rows = await attempts(student.id);
    expect(rows.at(-1)).toMatchObject({ method: 'password', outcome: 'success', user_agent: 'jest-phone' });
    expect(rows.at(-1).ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS and records it', async () => {
    const u = await makeUser(t.db, { schoolId: student.schoolId });
    const res = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'Неверный логин или пароль' });
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(await attempts(u.id)).toEqual([expect.objectContaining({ outcome: 'failure', reason: 'invalid_password' })]);
  });

  it('answers an unknown login exactly like a wrong password', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ login: 'nobody.here', password: 'whatever-1' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    const [row] = await t.db.query("SELECT user_id, reason FROM login_attempts WHERE reason = 'unknown_login'");
    expect(row).toEqual({ user_id: null, reason: 'unknown_login' });
  });

  it('locks the account on the 5th failure in a row, hides whether the password is right, and an admin unlocks it', async () => {
    const u = await makeUser(t.db, { schoolId: student.schoolId });
    for (let i = 1; i <= 4; i++) {
      const r = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: `bad-${i}-password` });
      expect(r.status).toBe(401);
    }
    const fifth = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'bad-5-password' });
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('ACCOUNT_LOCKED');
    const until = new Date(fifth.body.details.lockedUntil).getTime();
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);

    // The right password now gets the same answer as a wrong one.
    const right = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password });
    const wrong = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'bad-6-password' });
    expect(right.status).toBe(423);
    expect(wrong.status).toBe(423);
    expect(right.body.code).toBe(wrong.body.code);
    expect(right.body.message).toBe(wrong.body.message);

    const reasons = (await attempts(u.id)).map((r: { reason: string }) => r.reason);
    expect(reasons).toEqual([
      'invalid_password',
      'invalid_password',
      'invalid_password',
      'invalid_password',
      'invalid_password_locked',
      'locked',
      'locked',
    ]);

    const adminTokens = await login(t, admin);
    const unlocked = await t.http.post(`/api/v1/admin/users/${u.id}/unlock`).set(bearer(adminTokens.accessToken)).expect(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password }).expect(200);
  });

  it('counts only failures in a row: a success resets the count', async () => {
    const u = await makeUser(t.db, { schoolId: student.schoolId });
    for (let i = 0; i < 4; i++) await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'nope-nope' }).expect(401);
    await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password }).expect(200);
    for (let i = 0; i < 4; i++) await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'nope-nope' }).expect(401);
    await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password }).expect(200);
  });

  it('refuses a blocked account after the right password', async () => {
    const u = await makeUser(t.db, { schoolId: student.schoolId, status: 'blocked' });
    const res = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ACCOUNT_DISABLED');
  });

  it('rotates the refresh token, and reuse of a rotated one revokes the whole session', async () => {
    const first = await login(t, student);
    const second = (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshToken.split('.')[0]).toBe(first.refreshToken.split('.')[0]);
    await t.http.get('/api/v1/me').set(bearer(second.accessToken)).expect(200);

    const third = (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;

    // Someone replays the first (stolen) token: the session dies for everyone holding it.
    const replay = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    const afterReplay = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: third.refreshToken });
    expect(afterReplay.status).toBe(401);
    expect(afterReplay.body.code).toBe('INVALID_REFRESH_TOKEN');
    const me = await t.http.get('/api/v1/me').set(bearer(third.accessToken));
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SESSION_REVOKED');
    const [session] = await t.db.query('SELECT revoked_reason FROM sessions WHERE id = $1', [first.refreshToken.split('.')[0]]);
    expect(session.revoked_reason).toBe('refresh_token_reuse');
  });

  it('stores only a hash of the refresh token', async () => {
    const tokens = await login(t, student);
    const [sid, secret] = tokens.refreshToken.split('.');
    const [row] = await t.db.query('SELECT refresh_token_hash FROM sessions WHERE id = $1', [sid]);
    expect(row.refresh_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.refresh_token_hash).not.toContain(secret);
  });

  it('logout ends the session: refresh and access tokens stop working', async () => {
    const tokens = await login(t, student);
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
    expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await t.http.get('/api/v1/me').set(bearer(tokens.accessToken))).status).toBe(401);
  });

  it('rejects malformed, forged and expired access tokens', async () => {
    expect((await t.http.get('/api/v1/me').set(bearer('not-a-jwt'))).body.code).toBe('UNAUTHORIZED');
    const tokens = await login(t, student);
    const [h, p] = tokens.accessToken.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['platform_admin'] })).toString('base64url')}.${tokens.accessToken.split('.')[2]}`;
    expect((await t.http.get('/api/v1/admin/regions').set(bearer(forged))).status).toBe(401);

    const jwt = require('jsonwebtoken') as typeof import('jsonwebtoken');
    const expired = jwt.sign(
      {
        sub: student.id,
        sid: tokens.refreshToken.split('.')[0],
        roles: ['student'],
        sch: null,
        reg: null,
        exp: Math.floor(Date.now() / 1000) - 10,
      },
      t.config.jwtSecret,
    );
    const res = await t.http.get('/api/v1/me').set(bearer(expired));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect((await t.http.get('/api/v1/me').set(bearer(none))).status).toBe(401);
  });

  it('validates the login body field by field', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ login: '', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`);
    expect(fields).toEqual(expect.arrayContaining(['login:isNotEmpty', 'password:isString', 'extra:whitelistValidation']));
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"login": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_REQUEST');
  });
});

describe('login history', () => {
  let t: TestApp;
  let user: MadeUser;
  let other: MadeUser;

  beforeAll(async () => {
    t = await createTestApp();
    const school = await makeSchool(t.db);
    user = await makeUser(t.db, { schoolId: school.id, roles: [Role.Parent] });
    other = await makeUser(t.db, { schoolId: school.id });
    await t.http
      .post('/api/v1/auth/login')
      .set('User-Agent', '=HYPERLINK("x")')
      .send({ login: user.login, password: 'wrong-one!' })
      .expect(401);
    await login(t, other);
  });
  afterAll(() => t.close());

  it("lists own attempts newest first with keyset pages, never other users'", async () => {
    for (let i = 0; i < 3; i++) await login(t, user);
    const { accessToken } = await login(t, user);
    const p1 = await t.http.get('/api/v1/me/login-history?limit=2').set(bearer(accessToken)).expect(200);
    expect(p1.body.items).toHaveLength(2);
    expect(p1.body.items[0].outcome).toBe('success');
    expect(Number(p1.body.items[0].id)).toBeGreaterThan(Number(p1.body.items[1].id));
    const p2 = await t.http.get(`/api/v1/me/login-history?limit=10&cursor=${p1.body.nextCursor}`).set(bearer(accessToken)).expect(200);
    // the deprecated name of the parameter answers the same page
    const old = await t.http.get(`/api/v1/me/login-history?limit=10&before=${p1.body.nextCursor}`).set(bearer(accessToken)).expect(200);
    expect(old.body.items.map((i: { id: string }) => i.id)).toEqual(p2.body.items.map((i: { id: string }) => i.id));
    expect(p2.body.items).toHaveLength(3); // one failure + four sign-ins in all
    expect(p2.body.nextCursor).toBeNull();
    expect(p2.body.items.at(-1)).toMatchObject({ outcome: 'failure', reason: 'invalid_password', method: 'password' });
    const all = [...p1.body.items, ...p2.body.items];
    expect(all).toHaveLength(5);
    expect(all.every((i: { userId?: string }) => i.userId === undefined)).toBe(true);
  });

  it('exports CSV for spreadsheets with formula injection neutralised', async () => {
    const { accessToken } = await login(t, user);
    const res = await t.http.get('/api/v1/me/login-history?format=csv').set(bearer(accessToken)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('login-history.csv');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Дата и время (UTC);IP-адрес;Устройство;Способ входа;Результат;Причина');
    const failure = lines.find((l) => l.includes('Отказ'))!;
    expect(failure.split(';')[2]).toBe(`"'=HYPERLINK(""x"")"`);
    expect(lines.filter((l) => l.includes(';Пароль;'))).toHaveLength(lines.length - 1);
  });

  it('shows a school admin the history of their school only', async () => {
    const admin = await makeUser(t.db, { schoolId: user.schoolId, roles: [Role.SchoolAdmin] });
    const strangerSchool = await makeSchool(t.db);
    const stranger = await makeUser(t.db, { schoolId: strangerSchool.id });
    await login(t, stranger);
    const { accessToken } = await login(t, admin);
    const res = await t.http.get('/api/v1/admin/login-history?limit=200').set(bearer(accessToken)).expect(200);
    const userIds = new Set(res.body.items.map((i: { userId: string }) => i.userId));
    expect(userIds.has(user.id)).toBe(true);
    expect(userIds.has(other.id)).toBe(true);
    expect(userIds.has(stranger.id)).toBe(false);
    const forbidden = await t.http.get('/api/v1/admin/login-history').set(bearer((await login(t, other)).accessToken));
    expect(forbidden.status).toBe(403);
  });
});

describe('login rate limit per IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with the retry time after the limit, and records nothing for refused tries', async () => {
    for (let i = 0; i < 3; i++) await t.http.post('/api/v1/auth/login').send({ login: 'x.y.z', password: 'whatever-1' }).expect(401);
    const res = await t.http.post('/api/v1/auth/login').send({ login: 'x.y.z', password: 'whatever-1' });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    expect(res.body.details.retryAfterSec).toBeGreaterThan(0);
    expect(res.body.details.retryAfterSec).toBeLessThanOrEqual(60);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM login_attempts');
    expect(n).toBe(3);
  });
});
