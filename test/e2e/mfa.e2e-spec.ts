/**
 * Two-factor sign-in (TOTP, RFC 6238) for staff, end to end on real PostgreSQL and Redis: enrolment and
 * confirmation, the two-step password sign-in, wrong and replayed codes, the challenge's attempts and
 * lifetime, recovery codes, the region's "admins must" setting, Госуслуги as a second factor of its own,
 * and the admin reset. Codes are computed by the test itself (RFC 6238 by hand, test/factories).
 */
import { createHash } from 'node:crypto';
import { Role } from '../../src/common/auth/role';
import {
  addEsiaPerson,
  Authenticator,
  bearer,
  linkEsiaAccount,
  login,
  MadeUser,
  makeRegion,
  makeSchool,
  makeUser,
  newSnils,
  setAuthSettings,
} from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

jest.setTimeout(120_000);

describe('two-factor sign-in (e2e)', () => {
  let t: TestApp;
  let schoolId: string;
  let otherSchoolId: string;
  let regionId: string;
  let adminA: MadeUser;
  let adminB: MadeUser;

  beforeAll(async () => {
    t = await createTestApp({ PORT: String(await freePort()), LOGIN_RATE_LIMIT_PER_MINUTE: '10000' }, { listen: true });
    const region = await makeRegion(t.db);
    regionId = region.id;
    await setAuthSettings(t.db, region.id, { esiaEnabled: true, transitionStartsAt: new Date('2026-01-01T00:00:00Z') });
    schoolId = (await makeSchool(t.db, { regionId: region.id })).id;
    otherSchoolId = (await makeSchool(t.db, { regionId: region.id })).id;
    adminA = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId });
    adminB = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: otherSchoolId });
  });
  afterAll(() => t?.close());

  const api = (path: string) => `/api/v1${path}`;
  const passwordLogin = (u: { login: string; password: string }, ua = 'jest') =>
    t.http.post(api('/auth/login')).set('User-Agent', ua).send({ login: u.login, password: u.password });
  const secondStep = (body: Record<string, unknown>) => t.http.post(api('/auth/login/mfa')).set('User-Agent', 'jest').send(body);
  const history = async (userId: string) =>
    (await t.db.query('SELECT outcome, reason FROM login_attempts WHERE user_id = $1 ORDER BY id', [userId])) as Array<{
      outcome: string;
      reason: string;
    }>;
  const failedCount = async (userId: string): Promise<number> =>
    (await t.db.query('SELECT failed_login_count FROM users WHERE id = $1', [userId]))[0].failed_login_count;
  const teacher = (o: Partial<Parameters<typeof makeUser>[1]> = {}) => makeUser(t.db, { roles: [Role.Teacher], schoolId, ...o });

  /** Enrols through the API as the user would: start, scan (the secret), confirm with the first code. */
  async function enrol(user: MadeUser): Promise<{ app: Authenticator; recoveryCodes: string[]; accessToken: string }> {
    const { accessToken } = await login(t, user);
    const start = await t.http.post(api('/me/mfa/totp')).set(bearer(accessToken)).expect(201);
    const app = new Authenticator(start.body.secret);
    const confirmed = await t.http
      .post(api('/me/mfa/totp/confirm'))
      .set(bearer(accessToken))
      .send({ code: await app.next() })
      .expect(200);
    return { app, recoveryCodes: confirmed.body.recoveryCodes, accessToken };
  }

  /** Password step of an enrolled user: the challenge of the MFA_REQUIRED answer. */
  async function challengeOf(user: MadeUser): Promise<string> {
    const res = await passwordLogin(user);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('MFA_REQUIRED');
    return res.body.details.challenge;
  }

  it('enrol (secret, otpauth URI, QR code), confirm with a code (ten recovery codes), then sign in with password + code', async () => {
    const user = await teacher({ login: `teacher.${Date.now()}` });
    const { accessToken } = await login(t, user);
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken)).expect(200)).body).toEqual({
      enabled: false,
      pending: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
      available: true,
      required: false,
    });

    const start = await t.http.post(api('/me/mfa/totp')).set(bearer(accessToken)).expect(201);
    const { secret, otpauthUri, qrCode, issuer, account } = start.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect({ issuer, account }).toEqual({ issuer: 'Электронный дневник', account: user.login });
    const uri = new URL(otpauthUri);
    expect(`${uri.protocol}//${uri.host}${decodeURIComponent(uri.pathname)}`).toBe(`otpauth://totp/Электронный дневник:${user.login}`);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Электронный дневник');
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(qrCode.split(',')[1], 'base64').toString()).toMatch(/^<svg[^>]*>.*<path/s);
    // the secret is encrypted at rest: neither its text nor its bytes are in the row
    const [row] = await t.db.query('SELECT secret_encrypted, confirmed_at FROM user_mfa WHERE user_id = $1', [user.id]);
    expect(row.confirmed_at).toBeNull();
    expect(row.secret_encrypted.toString('latin1')).not.toContain(secret);
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken))).body).toMatchObject({ enabled: false, pending: true });
    // not in force before the confirmation
    expect((await passwordLogin(user)).status).toBe(200);

    const app = new Authenticator(secret);
    const wrong = await t.http.post(api('/me/mfa/totp/confirm')).set(bearer(accessToken)).send({ code: app.wrong() });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'MFA_CODE_INVALID']);
    const confirmed = await t.http
      .post(api('/me/mfa/totp/confirm'))
      .set(bearer(accessToken))
      .send({ code: await app.next() })
      .expect(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[2-9a-km-np-z]{5}-[2-9a-km-np-z]{5}$/);
    const hashes: Array<{ code_hash: string }> = await t.db.query('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1', [user.id]);
    expect(hashes).toHaveLength(10);
    for (const h of hashes) {
      expect(codes).not.toContain(h.code_hash);
      for (const c of codes) expect(h.code_hash).not.toBe(createHash('sha256').update(c).digest('hex')); // keyed, not a bare hash
    }
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken))).body).toMatchObject({
      enabled: true,
      pending: false,
      recoveryCodesLeft: 10,
      enabledAt: expect.any(String),
    });
    const again = await t.http.post(api('/me/mfa/totp')).set(bearer(accessToken));
    expect([again.status, again.body.code]).toEqual([409, 'MFA_ALREADY_ENABLED']);

    const first = await passwordLogin(user);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({
      code: 'MFA_REQUIRED',
      details: { challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresInSec: 300, methods: ['totp', 'recovery_code'] },
    });
    expect(first.body.accessToken).toBeUndefined();
    const ok = await secondStep({ challenge: first.body.details.challenge, code: await app.next() }).expect(200);
    expect(ok.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      esiaLinkSuggested: true,
      user: { id: user.id },
    });
    await t.http.get(api('/me')).set(bearer(ok.body.accessToken)).expect(200);
    // the challenge was single use
    const reused = await secondStep({ challenge: first.body.details.challenge, code: await app.next() });
    expect([reused.status, reused.body.code]).toEqual([401, 'MFA_CHALLENGE_INVALID']);

    expect((await history(user.id)).slice(-2)).toEqual([
      { outcome: 'pending', reason: 'mfa_required' },
      { outcome: 'success', reason: 'mfa_ok' },
    ]);
    const csv = await t.http.get(api('/me/login-history?format=csv')).set(bearer(ok.body.accessToken)).expect(200);
    expect(csv.text).toContain('Запрошен второй фактор;mfa_required');
  });

  it('a wrong code is refused and counts towards the lockout; a used code cannot be replayed; the right one signs in', async () => {
    const user = await teacher();
    const { app } = await enrol(user);
    const challenge = await challengeOf(user);
    const wrong = await secondStep({ challenge, code: app.wrong() });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'MFA_CODE_INVALID', details: { attemptsLeft: 4 } });
    expect(await failedCount(user.id)).toBe(1);
    // a right password in between does not restart the count: the second factor is still owed
    const challenge2 = await challengeOf(user);
    expect(await failedCount(user.id)).toBe(1);
    const code = await app.next();
    await secondStep({ challenge: challenge2, code }).expect(200);
    expect(await failedCount(user.id)).toBe(0);

    const replay = await secondStep({ challenge: await challengeOf(user), code });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'MFA_CODE_REUSED', details: { attemptsLeft: 4 } });
    expect((await history(user.id)).map((r) => r.reason)).toEqual(expect.arrayContaining(['mfa_failed', 'mfa_ok', 'mfa_code_reused']));
  });

  it('five wrong codes in a row lock the account (423) and end the challenge', async () => {
    const user = await teacher();
    const { app } = await enrol(user);
    const challenge = await challengeOf(user);
    for (let left = 4; left >= 1; left--) {
      const r = await secondStep({ challenge, code: app.wrong() });
      expect([r.status, r.body.details?.attemptsLeft]).toEqual([401, left]);
    }
    const locked = await secondStep({ challenge, code: app.wrong() });
    expect([locked.status, locked.body.code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect((await history(user.id)).at(-1)).toEqual({ outcome: 'failure', reason: 'mfa_failed_locked' });
    const after = await secondStep({ challenge, code: await app.next() });
    expect([after.status, after.body.code]).toEqual([401, 'MFA_CHALLENGE_INVALID']);
    expect((await passwordLogin(user)).status).toBe(423);
  });

  it('a challenge allows five tries even when an admin unlocks in between, and dies after five minutes', async () => {
    const user = await teacher();
    const { app } = await enrol(user);
    const { accessToken: adminToken } = await login(t, adminA);
    const challenge = await challengeOf(user);
    for (let i = 0; i < 5; i++) {
      expect((await secondStep({ challenge, code: app.wrong() })).status).toBe(401);
      await t.http
        .post(api(`/admin/users/${user.id}/unlock`))
        .set(bearer(adminToken))
        .expect(200); // keeps the lockout out of the way
    }
    const spent = await secondStep({ challenge, code: await app.next() });
    expect([spent.status, spent.body.code]).toEqual([401, 'MFA_CHALLENGE_INVALID']);

    // the lifetime: ~5 minutes in Redis; once it has passed the challenge is refused
    const fresh = await challengeOf(user);
    const key = `${t.config.redisPrefix}:mfa:challenge:${createHash('sha256').update(fresh).digest('hex')}`;
    const ttl = await t.redis.ttl(key);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await t.redis.hget(key, 'data')).not.toContain(fresh); // only the hash of the token is kept
    await t.redis.pexpire(key, 1);
    while (await t.redis.exists(key)) await new Promise((r) => setTimeout(r, 5));
    const expired = await secondStep({ challenge: fresh, code: await app.next() });
    expect([expired.status, expired.body.code]).toEqual([401, 'MFA_CHALLENGE_INVALID']);
    // junk is a validation error, never a 500
    expect((await secondStep({ challenge: 'x', code: '123456' })).status).toBe(400);
    expect((await secondStep({ challenge: fresh })).status).toBe(400);
  });

  it('a recovery code signs in once; renewing the codes (with the password) makes the old ones useless', async () => {
    const user = await teacher();
    const { recoveryCodes, accessToken } = await enrol(user);
    const used = recoveryCodes[3];
    const ok = await secondStep({ challenge: await challengeOf(user), recoveryCode: used.toUpperCase().replace('-', ' ') }).expect(200);
    expect(ok.body.user.id).toBe(user.id);
    expect((await history(user.id)).at(-1)).toEqual({ outcome: 'success', reason: 'recovery_code_used' });
    const twice = await secondStep({ challenge: await challengeOf(user), recoveryCode: used });
    expect([twice.status, twice.body.code]).toEqual([401, 'MFA_CODE_INVALID']);
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken))).body.recoveryCodesLeft).toBe(9);

    const badProof = await t.http.post(api('/me/mfa/recovery-codes')).set(bearer(accessToken)).send({ password: 'not-it' });
    expect([badProof.status, badProof.body.code]).toEqual([403, 'REAUTH_FAILED']);
    expect((await t.http.post(api('/me/mfa/recovery-codes')).set(bearer(accessToken)).send({})).status).toBe(400);
    const renewed = await t.http.post(api('/me/mfa/recovery-codes')).set(bearer(accessToken)).send({ password: user.password }).expect(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    const old = await secondStep({ challenge: await challengeOf(user), recoveryCode: recoveryCodes[5] });
    expect([old.status, old.body.code]).toEqual([401, 'MFA_CODE_INVALID']);
    await secondStep({ challenge: await challengeOf(user), recoveryCode: renewed.body.recoveryCodes[0] }).expect(200);
  });

  it('switching the own factor off needs a current code or the password; then the password alone signs in again', async () => {
    const user = await teacher();
    const { app, accessToken } = await enrol(user);
    const bad = await t.http.delete(api('/me/mfa')).set(bearer(accessToken)).send({ code: app.wrong() });
    expect([bad.status, bad.body.code]).toEqual([403, 'REAUTH_FAILED']);
    expect(await failedCount(user.id)).toBe(1);
    await t.http
      .delete(api('/me/mfa'))
      .set(bearer(accessToken))
      .send({ code: await app.next() })
      .expect(204);
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken))).body).toMatchObject({ enabled: false, pending: false });
    expect((await passwordLogin(user)).status).toBe(200);
    const none = await t.http.delete(api('/me/mfa')).set(bearer(accessToken)).send({ password: user.password });
    expect([none.status, none.body.code]).toEqual([409, 'MFA_NOT_ENABLED']);
  });

  it('students and parents cannot enrol', async () => {
    const student = await makeUser(t.db, { roles: [Role.Student], schoolId });
    const { accessToken } = await login(t, student);
    const res = await t.http.post(api('/me/mfa/totp')).set(bearer(accessToken));
    expect([res.status, res.body.code]).toEqual([403, 'MFA_NOT_AVAILABLE']);
    expect((await t.http.get(api('/me/mfa')).set(bearer(accessToken))).body).toMatchObject({ available: false, required: false });
  });

  it('the region requires a second factor of admins: a school admin without one enrols during sign-in, then cannot switch it off', async () => {
    const region = await makeRegion(t.db);
    const school = await makeSchool(t.db, { regionId: region.id });
    const regionAdmin = await makeUser(t.db, { roles: [Role.RegionAdmin], regionId: region.id });
    const admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });
    const plainTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    const { accessToken: regionToken } = await login(t, regionAdmin);
    const settings = { esiaEnabled: false, transitionStartsAt: null, transitionEndsAt: null, staffPasswordLogin: false };
    const put = await t.http
      .put(api(`/admin/regions/${region.id}/auth-settings`))
      .set(bearer(regionToken))
      .send({ ...settings, adminMfaRequired: true })
      .expect(200);
    expect(put.body.adminMfaRequired).toBe(true);
    // a client that does not know the field leaves it as it is
    const kept = await t.http
      .put(api(`/admin/regions/${region.id}/auth-settings`))
      .set(bearer(regionToken))
      .send(settings)
      .expect(200);
    expect(kept.body.adminMfaRequired).toBe(true);

    expect((await passwordLogin(plainTeacher)).status).toBe(200); // teachers: optional
    const first = await passwordLogin(admin);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: 'MFA_ENROLMENT_REQUIRED', details: { challenge: expect.any(String), expiresInSec: 300 } });
    const challenge = first.body.details.challenge;
    // the enrolment challenge is good for nothing else
    const asCode = await secondStep({ challenge, code: '123456' });
    expect([asCode.status, asCode.body.code]).toEqual([401, 'MFA_CHALLENGE_INVALID']);
    const notStarted = await t.http.post(api('/auth/login/mfa/enrol/confirm')).send({ challenge, code: '123456' });
    expect([notStarted.status, notStarted.body.code]).toEqual([409, 'MFA_ENROLMENT_NOT_STARTED']);

    const start = await t.http.post(api('/auth/login/mfa/enrol')).send({ challenge }).expect(200);
    expect(start.body).toMatchObject({
      secret: expect.any(String),
      account: admin.login,
      qrCode: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
    });
    const app = new Authenticator(start.body.secret);
    const wrong = await t.http.post(api('/auth/login/mfa/enrol/confirm')).send({ challenge, code: app.wrong() });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'MFA_CODE_INVALID']);
    const done = await t.http
      .post(api('/auth/login/mfa/enrol/confirm'))
      .send({ challenge, code: await app.next() })
      .expect(200);
    expect(done.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      esiaLinkSuggested: false,
      user: { id: admin.id },
    });
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await history(admin.id)).map((r) => r.reason)).toEqual(expect.arrayContaining(['mfa_enrolment_required', 'mfa_enrolled']));

    const status = await t.http.get(api('/me/mfa')).set(bearer(done.body.accessToken)).expect(200);
    expect(status.body).toMatchObject({ enabled: true, required: true });
    const off = await t.http
      .delete(api('/me/mfa'))
      .set(bearer(done.body.accessToken))
      .send({ code: await app.next() });
    expect([off.status, off.body.code]).toEqual([403, 'MFA_REQUIRED_BY_POLICY']);
    const next = await passwordLogin(admin);
    expect(next.body.code).toBe('MFA_REQUIRED');
    await secondStep({ challenge: next.body.details.challenge, code: await app.next() }).expect(200);
  });

  describe('Госуслуги is a second factor of its own', () => {
    const base = () => t.baseUrl!;

    /** The browser's round trip: our /auth/esia/login → the emulator (pick the person, allow) → our callback. */
    async function esiaCallback(oid: string): Promise<URLSearchParams> {
      const start = await fetch(`${base()}/api/v1/auth/esia/login`, { redirect: 'manual' });
      const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
      const ac = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const req = new URL(ac.headers.get('location')!, base()).searchParams.get('req')!;
      await fetch(`${base()}/esia-emulator/login`, { method: 'POST', body: new URLSearchParams({ req, oid }), redirect: 'manual' });
      const decided = await fetch(`${base()}/esia-emulator/consent`, {
        method: 'POST',
        body: new URLSearchParams({ req, decision: 'allow' }),
        redirect: 'manual',
      });
      const back = await fetch(decided.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
      return new URL(back.headers.get('location')!).searchParams;
    }

    it('an enrolled teacher with a linked Госуслуги account signs in through ESIA without a code', async () => {
      const user = await teacher({ lastName: 'Кодова', firstName: 'Ольга', middleName: 'Игоревна', birthDate: '1985-04-04' });
      await enrol(user);
      const oid = await addEsiaPerson(t, {
        lastName: 'Кодова',
        firstName: 'Ольга',
        middleName: 'Игоревна',
        birthDate: '1985-04-04',
        level: 'confirmed',
      });
      await linkEsiaAccount(t.db, user.id, oid);
      const q = await esiaCallback(oid);
      const res = await t.http
        .post(api('/auth/esia/exchange'))
        .send({ ticket: q.get('ticket') })
        .expect(200);
      expect(res.body).toMatchObject({ accessToken: expect.any(String), user: { id: user.id } });
      expect((await history(user.id)).at(-1)).toEqual({ outcome: 'success', reason: 'esia_already_linked' });
    });

    it('linking with the diary password after ESIA does not ask for a code either', async () => {
      const user = await teacher({ lastName: 'Связова', firstName: 'Нина', middleName: 'Олеговна', birthDate: '1984-03-03' });
      await enrol(user);
      const oid = await addEsiaPerson(t, {
        lastName: 'Связова',
        firstName: 'Нина',
        middleName: 'Олеговна',
        birthDate: '1984-03-03',
        level: 'standard',
        snils: newSnils(),
      });
      const q = await esiaCallback(oid);
      const res = await t.http
        .post(api('/auth/esia/link'))
        .send({ linkTicket: q.get('linkTicket'), login: user.login, password: user.password })
        .expect(200);
      expect(res.body).toMatchObject({ accessToken: expect.any(String), linkedNow: true, user: { id: user.id } });
    });
  });

  it("admin reset: removes the factor and codes, ends every session, is audited; another school's admin gets 404", async () => {
    const user = await teacher();
    const { accessToken } = await enrol(user);
    const [{ accessToken: tokenA }, { accessToken: tokenB }] = await Promise.all([login(t, adminA), login(t, adminB)]);
    const foreign = await t.http.delete(api(`/admin/users/${user.id}/mfa`)).set(bearer(tokenB));
    expect([foreign.status, foreign.body.code]).toEqual([404, 'USER_NOT_FOUND']);
    const teacherToken = (await login(t, await teacher())).accessToken;
    expect((await t.http.delete(api(`/admin/users/${user.id}/mfa`)).set(bearer(teacherToken))).status).toBe(403);
    await t.http.get(api('/me')).set(bearer(accessToken)).expect(200);

    await t.http
      .delete(api(`/admin/users/${user.id}/mfa`))
      .set(bearer(tokenA))
      .expect(204);
    const ended = await t.http.get(api('/me')).set(bearer(accessToken));
    expect([ended.status, ended.body.code]).toEqual([401, 'SESSION_REVOKED']);
    const sessions: Array<{ revoked_reason: string | null }> = await t.db.query('SELECT revoked_reason FROM sessions WHERE user_id = $1', [
      user.id,
    ]);
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.revoked_reason === 'mfa_reset')).toBe(true);
    expect(
      await t.db.query('SELECT 1 FROM user_mfa WHERE user_id = $1 UNION ALL SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [
        user.id,
      ]),
    ).toEqual([]);
    expect((await passwordLogin(user)).status).toBe(200);

    const auditA = await t.http
      .get(api(`/admin/mfa-audit?userId=${user.id}`))
      .set(bearer(tokenA))
      .expect(200);
    expect(auditA.body.items.map((i: { action: string; actorId: string }) => [i.action, i.actorId])).toEqual([
      ['admin_reset', adminA.id],
      ['enabled', user.id],
    ]);
    expect(auditA.body.items[0]).toMatchObject({ userId: user.id, schoolId, at: expect.any(String) });
    expect(
      (
        await t.http
          .get(api(`/admin/mfa-audit?userId=${user.id}`))
          .set(bearer(tokenB))
          .expect(200)
      ).body.items,
    ).toEqual([]);
    const again = await t.http.delete(api(`/admin/users/${user.id}/mfa`)).set(bearer(tokenA));
    expect([again.status, again.body.code]).toEqual([409, 'MFA_NOT_ENABLED']);
  });

  it('the region admin resets within the region', async () => {
    const user = await teacher();
    await enrol(user);
    const regionAdmin = await makeUser(t.db, { roles: [Role.RegionAdmin], regionId });
    const elsewhere = await makeUser(t.db, { roles: [Role.RegionAdmin], regionId: (await makeRegion(t.db)).id });
    const out = await t.http.delete(api(`/admin/users/${user.id}/mfa`)).set(bearer((await login(t, elsewhere)).accessToken));
    expect(out.status).toBe(404);
    await t.http
      .delete(api(`/admin/users/${user.id}/mfa`))
      .set(bearer((await login(t, regionAdmin)).accessToken))
      .expect(204);
  });
});
