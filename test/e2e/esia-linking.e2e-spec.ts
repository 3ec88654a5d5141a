/**
 * "Войти через Госуслуги" and account linking end to end: the app listens on a real port, the browser
 * flow goes through the ESIA emulator (real GOST signatures, RS256 tokens), and every success path
 * and refusal code of docs/domain.md §4 is driven the way a browser would (cookies, 302s).
 */
import { Role } from '../../src/common/auth/role';
import { DIARY_USER_WITH_DIFFERENT_FIO } from '../../src/modules/esia-emulator/fixtures';
import { ESIA_REFUSAL_MESSAGES } from '../../src/modules/linking/linking.errors';
import {
  addEsiaPerson,
  bearer,
  countQueries,
  login,
  MadeUser,
  makeRegion,
  makeSchool,
  makeUser,
  newSnils,
  setAuthSettings,
  setSnils,
} from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { esiaBrowser } from '../utils/esia-browser';

describe('ESIA sign-in and account linking (e2e, through the emulator)', () => {
  let t: TestApp;
  let base: string;
  /** Region with ESIA on and the transition period running (no end). */
  let schoolOn: string;
  /** Region with ESIA off. */
  let schoolOff: string;
  /** Region where the transition period is over, with the staff exception. */
  let schoolClosedStaff: string;
  /** Region where the transition period is over, without the staff exception. */
  let schoolClosed: string;
  let schoolAdmin: MadeUser;

  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ PORT: String(port), LOGIN_RATE_LIMIT_PER_MINUTE: '10000' }, { listen: true });
    base = t.baseUrl!;
    const [on, off, closedStaff, closed] = await Promise.all([makeRegion(t.db), makeRegion(t.db), makeRegion(t.db), makeRegion(t.db)]);
    await setAuthSettings(t.db, on.id, { esiaEnabled: true, transitionStartsAt: new Date('2026-01-01T00:00:00Z') });
    await setAuthSettings(t.db, off.id, { esiaEnabled: false });
    await setAuthSettings(t.db, closedStaff.id, {
      transitionStartsAt: new Date('2025-01-01T00:00:00Z'),
      transitionEndsAt: new Date('2025-06-01T00:00:00Z'),
      staffPasswordLogin: true,
    });
    await setAuthSettings(t.db, closed.id, {
      transitionStartsAt: new Date('2025-01-01T00:00:00Z'),
      transitionEndsAt: new Date('2025-06-01T00:00:00Z'),
      staffPasswordLogin: false,
    });
    schoolOn = (await makeSchool(t.db, { regionId: on.id })).id;
    schoolOff = (await makeSchool(t.db, { regionId: off.id })).id;
    schoolClosedStaff = (await makeSchool(t.db, { regionId: closedStaff.id })).id;
    schoolClosed = (await makeSchool(t.db, { regionId: closed.id })).id;
    schoolAdmin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolOn, lastName: 'Админова', firstName: 'Анна' });
  });
  afterAll(() => t.close());

  // ---- a browser, by hand (test/utils/esia-browser.ts) ----------------------------------------

  let startFlow: ReturnType<typeof esiaBrowser>['startFlow'];
  let atEsia: ReturnType<typeof esiaBrowser>['atEsia'];
  let callback: ReturnType<typeof esiaBrowser>['callback'];
  let esiaLogin: ReturnType<typeof esiaBrowser>['esiaLogin'];
  beforeAll(() => ({ startFlow, atEsia, callback, esiaLogin } = esiaBrowser(t)));

  const exchange = (ticket: string | null) => t.http.post('/api/v1/auth/esia/exchange').send({ ticket });
  const linkWithPassword = (linkTicket: string | null, user: { login: string; password: string }) =>
    t.http.post('/api/v1/auth/esia/link').send({ linkTicket, login: user.login, password: user.password });
  const links = (userId: string) =>
    t.db.query('SELECT oid, method, revoked_at, revoked_reason FROM esia_links WHERE user_id = $1 ORDER BY linked_at', [userId]);
  const esiaAttempts = (userId: string | null) =>
    userId
      ? t.db.query("SELECT outcome, reason FROM login_attempts WHERE user_id = $1 AND method = 'esia' ORDER BY id", [userId])
      : t.db.query("SELECT outcome, reason FROM login_attempts WHERE user_id IS NULL AND method = 'esia' ORDER BY id");

  async function expectRefusal(query: URLSearchParams, code: string): Promise<void> {
    expect(Object.fromEntries(query)).toEqual({ error: code });
    expect(ESIA_REFUSAL_MESSAGES[code as keyof typeof ESIA_REFUSAL_MESSAGES]).toEqual(expect.any(String));
  }

  // ---- success paths ---------------------------------------------------------------------------

  it('SNILS + FIO match exactly one user: links automatically (snils_fio) and signs in; the next login is "already linked"', async () => {
    const snils = newSnils();
    // ESIA spells it with ё and other case; the diary without ё — FIO still matches.
    const oid = await addEsiaPerson(t, {
      lastName: 'Семёнова',
      firstName: 'Алёна',
      middleName: 'Петровна',
      birthDate: '1988-02-03',
      snils,
      level: 'standard',
    });
    const user = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolOn,
      lastName: 'СЕМЕНОВА',
      firstName: 'Алена',
      middleName: ' Петровна ',
      birthDate: '1988-01-01',
    });
    await setSnils(t, user.id, snils);

    const first = await esiaLogin(oid);
    const ticket = first.get('ticket')!;
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signedIn = await exchange(ticket).set('User-Agent', 'jest-browser').expect(200);
    expect(signedIn.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      linkedNow: true,
      user: { id: user.id, lastName: 'СЕМЕНОВА' },
    });
    await t.http.get('/api/v1/me').set(bearer(signedIn.body.accessToken)).expect(200);
    expect(await links(user.id)).toEqual([{ oid, method: 'snils_fio', revoked_at: null, revoked_reason: null }]);
    const [session] = await t.db.query('SELECT method FROM sessions WHERE user_id = $1', [user.id]);
    expect(session.method).toBe('esia');

    const again = await esiaLogin(oid);
    const second = await exchange(again.get('ticket')).expect(200);
    expect(second.body).toMatchObject({ linkedNow: false, user: { id: user.id } });
    expect(await esiaAttempts(user.id)).toEqual([
      { outcome: 'success', reason: 'esia_snils_fio' },
      { outcome: 'success', reason: 'esia_already_linked' },
    ]);
    expect((await t.http.get('/api/v1/me/esia-link').set(bearer(second.body.accessToken)).expect(200)).body).toMatchObject({
      linked: true,
      method: 'snils_fio',
    });
  });

  it('no SNILS in the diary (child under 14, simplified account): linkTicket → diary login and password → linked (password) and signed in; a wrong password counts towards the lockout', async () => {
    const oid = await addEsiaPerson(t, {
      lastName: 'Орлова',
      firstName: 'Ксения',
      middleName: 'Игоревна',
      birthDate: '2016-09-01',
      level: 'simplified',
    });
    const child = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolOn,
      lastName: 'Орлова',
      firstName: 'Ксения',
      middleName: 'Игоревна',
      birthDate: '2016-09-01',
    });

    const q = await esiaLogin(oid);
    const linkTicket = q.get('linkTicket');
    expect(linkTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const wrong = await linkWithPassword(linkTicket, { login: child.login, password: 'wrong-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const [{ failed_login_count }] = await t.db.query('SELECT failed_login_count FROM users WHERE id = $1', [child.id]);
    expect(failed_login_count).toBe(1);

    const ok = await linkWithPassword(linkTicket, child).expect(200);
    expect(ok.body).toMatchObject({ linkedNow: true, user: { id: child.id }, accessToken: expect.any(String) });
    expect(await links(child.id)).toEqual([{ oid, method: 'password', revoked_at: null, revoked_reason: null }]);
    expect(await esiaAttempts(child.id)).toEqual([
      { outcome: 'failure', reason: 'invalid_password' },
      { outcome: 'success', reason: 'esia_password' },
    ]);

    // single use
    const reused = await linkWithPassword(linkTicket, child);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('ESIA_STATE_INVALID');
    // and from now on the child signs in directly
    expect((await esiaLogin(oid)).get('ticket')).toEqual(expect.any(String));
  });

  it('transition period: password login suggests linking; "Привязать" links the ESIA account to the signed-in user (session); "Пропустить" leaves no link', async () => {
    const oid = await addEsiaPerson(t, {
      lastName: 'Волков',
      firstName: 'Денис',
      middleName: 'Андреевич',
      birthDate: '1979-05-05',
      snils: newSnils(),
      level: 'confirmed',
    });
    const teacher = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId: schoolOn,
      lastName: 'Волков',
      firstName: 'Денис',
      middleName: 'Андреевич',
    });

    const skipped = await t.http.post('/api/v1/auth/login').send({ login: teacher.login, password: teacher.password }).expect(200);
    expect(skipped.body.esiaLinkSuggested).toBe(true);
    expect(await links(teacher.id)).toEqual([]); // Skip = just keep the tokens: no link

    const start = await t.http.post('/api/v1/auth/esia/link-start').set(bearer(skipped.body.accessToken)).expect(200);
    expect(start.body.url).toMatch(new RegExp(`^${base}/api/v1/auth/esia/login\\?intent=[A-Za-z0-9_-]{43}$`));
    const q = await esiaLogin(oid, 'allow', start.body.url);
    const signedIn = await exchange(q.get('ticket')).expect(200);
    expect(signedIn.body).toMatchObject({ linkedNow: true, user: { id: teacher.id } });
    expect(await links(teacher.id)).toEqual([{ oid, method: 'session', revoked_at: null, revoked_reason: null }]);

    // the intent is single use
    const reused = await fetch(start.body.url, { redirect: 'manual' });
    expect(new URL(reused.headers.get('location')!).searchParams.get('error')).toBe('ESIA_STATE_INVALID');

    const after = await t.http.post('/api/v1/auth/login').send({ login: teacher.login, password: teacher.password }).expect(200);
    expect(after.body.esiaLinkSuggested).toBe(false);
  });

  it('no suggestion outside the transition period; existing login answers keep their shape', async () => {
    const off = await makeUser(t.db, { schoolId: schoolOff });
    const res = await t.http.post('/api/v1/auth/login').send({ login: off.login, password: off.password }).expect(200);
    expect(res.body.esiaLinkSuggested).toBe(false);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'esiaLinkSuggested', 'expiresIn', 'refreshToken', 'user']);
    const platform = await makeUser(t.db, { roles: [Role.PlatformAdmin] });
    expect(
      (await t.http.post('/api/v1/auth/login').send({ login: platform.login, password: platform.password }).expect(200)).body
        .esiaLinkSuggested,
    ).toBe(false);
  });

  it('reads the user row once per step: the exchange and the password link check and sign in with the row they read', async () => {
    /** SELECTs of the users table: TypeORM's `FROM "users"` and the profile's `FROM users u`. */
    const userReads = (texts: string[]) => texts.filter((q) => /^\s*SELECT\b/i.test(q) && /\bFROM\s+"?users"?\s/i.test(q)).length;
    const snils = newSnils();
    const oid = await addEsiaPerson(t, { lastName: 'Счётова', firstName: 'Вера', birthDate: '1985-05-05', snils, level: 'standard' });
    const user = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolOn,
      lastName: 'Счётова',
      firstName: 'Вера',
      birthDate: '1985-05-05',
    });
    await setSnils(t, user.id, snils);
    const ticket = (await esiaLogin(oid)).get('ticket');
    const exchanged = await countQueries(() => exchange(ticket).expect(200));
    expect(exchanged.result.body).toMatchObject({ linkedNow: true, user: { id: user.id } });
    // the account (status, roles, session epoch: checked, then signed in) and the profile in the answer (GET /me's)
    expect(userReads(exchanged.texts)).toBe(2);

    const childOid = await addEsiaPerson(t, { lastName: 'Счётова', firstName: 'Ася', birthDate: '2017-03-03', level: 'simplified' });
    const child = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolOn,
      lastName: 'Счётова',
      firstName: 'Ася',
      birthDate: '2017-03-03',
    });
    const linkTicket = (await esiaLogin(childOid)).get('linkTicket');
    const linked = await countQueries(() => linkWithPassword(linkTicket, child).expect(200));
    expect(linked.result.body).toMatchObject({ linkedNow: true, user: { id: child.id } });
    // the login (password, lockout, status; then signed in), the names and birth date the link compares, the profile
    expect(userReads(linked.texts)).toBe(3);
  });

  // ---- refusals ---------------------------------------------------------------------------------

  it('ESIA_CONSENT_DENIED: "Отказать" on the consent page', async () => {
    const before = (await esiaAttempts(null)).length;
    await expectRefusal(await esiaLogin('1000000002', 'deny'), 'ESIA_CONSENT_DENIED');
    const rows = await esiaAttempts(null);
    expect(rows.slice(before)).toEqual([{ outcome: 'failure', reason: 'ESIA_CONSENT_DENIED' }]);
  });

  it('FIO_MISMATCH: SNILS found but the diary FIO differs (maiden name, emulator fixture 1000000006)', async () => {
    const d = DIARY_USER_WITH_DIFFERENT_FIO;
    const user = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId: schoolOn,
      lastName: d.lastName,
      firstName: d.firstName,
      middleName: d.middleName,
      birthDate: d.birthDate,
    });
    await setSnils(t, user.id, d.snils);
    await expectRefusal(await esiaLogin(d.esiaOid), 'FIO_MISMATCH');
    expect(await links(user.id)).toEqual([]);
    expect(await esiaAttempts(user.id)).toEqual([{ outcome: 'failure', reason: 'FIO_MISMATCH' }]);
  });

  it("FIO_MISMATCH: a parent's Госуслуги account used with the child's diary login and password", async () => {
    const child = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolOn,
      lastName: 'Тестова',
      firstName: 'Мария',
      middleName: 'Петровна',
      birthDate: '2016-05-10',
    });
    const q = await esiaLogin('1000000005'); // Тестова Елена Викторовна, the mother; her SNILS is not in the diary
    const res = await linkWithPassword(q.get('linkTicket'), child);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FIO_MISMATCH', message: ESIA_REFUSAL_MESSAGES.FIO_MISMATCH });
    expect(res.body.message).toContain('родитель использует свою учётную запись на госуслугах');
    expect(await links(child.id)).toEqual([]);
    // a terminal refusal ends the ticket
    expect((await linkWithPassword(q.get('linkTicket'), child)).body.code).toBe('ESIA_STATE_INVALID');
  });

  it('FIO_MISMATCH: "Привязать" with somebody else\'s Госуслуги account', async () => {
    const user = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolOn, lastName: 'Зайцев', firstName: 'Глеб' });
    const { accessToken } = await login(t, user);
    const start = await t.http.post('/api/v1/auth/esia/link-start').set(bearer(accessToken)).expect(200);
    await expectRefusal(await esiaLogin('1000000001', 'allow', start.body.url), 'FIO_MISMATCH');
    expect(await links(user.id)).toEqual([]);
  });

  it("ESIA_ACCOUNT_LEVEL_TOO_LOW: an adult with a simplified account (fixture 1000000003); without an ESIA birth date the diary profile's decides", async () => {
    await expectRefusal(await esiaLogin('1000000003'), 'ESIA_ACCOUNT_LEVEL_TOO_LOW');

    // no birth date from ESIA: the diary profile's decides (an adult: refused at the link form)
    const oid = await addEsiaPerson(t, { lastName: 'Белов', firstName: 'Илья', level: 'simplified' });
    const adult = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolOn,
      lastName: 'Белов',
      firstName: 'Илья',
      birthDate: '1985-01-01',
    });
    const q = await esiaLogin(oid);
    const res = await linkWithPassword(q.get('linkTicket'), adult);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'ESIA_ACCOUNT_LEVEL_TOO_LOW', details: { requiredLevel: 'standard' } });
    expect(res.body.message).toContain('«Стандартная» или «Подтверждённая»');
  });

  it('ESIA_ALREADY_LINKED: the Госуслуги account is linked to another diary user; and link-start for a user who already has a link', async () => {
    const snils = newSnils();
    const oid = await addEsiaPerson(t, {
      lastName: 'Лебедев',
      firstName: 'Олег',
      middleName: 'Юрьевич',
      birthDate: '1975-03-03',
      snils,
      level: 'confirmed',
    });
    const owner = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId: schoolOn,
      lastName: 'Лебедев',
      firstName: 'Олег',
      middleName: 'Юрьевич',
    });
    await setSnils(t, owner.id, snils);
    expect((await esiaLogin(oid)).get('ticket')).toEqual(expect.any(String));

    // a second diary account of the same person tries "Привязать" with the same Госуслуги account
    const duplicate = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolOn,
      lastName: 'Лебедев',
      firstName: 'Олег',
      middleName: 'Юрьевич',
    });
    const { accessToken } = await login(t, duplicate);
    const start = await t.http.post('/api/v1/auth/esia/link-start').set(bearer(accessToken)).expect(200);
    await expectRefusal(await esiaLogin(oid, 'allow', start.body.url), 'ESIA_ALREADY_LINKED');
    expect(await links(duplicate.id)).toEqual([]);
    expect(await esiaAttempts(duplicate.id)).toEqual([{ outcome: 'failure', reason: 'ESIA_ALREADY_LINKED' }]);

    const ownerTokens = await login(t, owner);
    const again = await t.http.post('/api/v1/auth/esia/link-start').set(bearer(ownerTokens.accessToken));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ESIA_ALREADY_LINKED');
  });

  it("ESIA_DISABLED: the user's region has ESIA off (callback and link-start)", async () => {
    const snils = newSnils();
    const oid = await addEsiaPerson(t, { lastName: 'Соколова', firstName: 'Вера', birthDate: '1990-10-10', snils, level: 'standard' });
    const user = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolOff, lastName: 'Соколова', firstName: 'Вера' });
    await setSnils(t, user.id, snils);
    await expectRefusal(await esiaLogin(oid), 'ESIA_DISABLED');
    expect(await links(user.id)).toEqual([]);

    const { accessToken } = await login(t, user);
    const start = await t.http.post('/api/v1/auth/esia/link-start').set(bearer(accessToken));
    expect(start.status).toBe(403);
    expect(start.body).toMatchObject({ code: 'ESIA_DISABLED', message: ESIA_REFUSAL_MESSAGES.ESIA_DISABLED });

    // the link form refuses it as well
    const noSnils = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolOff,
      lastName: 'Тестов',
      firstName: 'Петр',
      middleName: 'Иванович',
    });
    const q = await esiaLogin('1000000001'); // Тестов Пётр Иванович; his SNILS is not in the diary
    const res = await linkWithPassword(q.get('linkTicket'), noSnils);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ESIA_DISABLED');
  });

  it('PASSWORD_LOGIN_CLOSED after the transition period, with the staff exception; ESIA still works there', async () => {
    const student = await makeUser(t.db, { schoolId: schoolClosedStaff });
    const closed = await t.http.post('/api/v1/auth/login').send({ login: student.login, password: student.password });
    expect(closed.status).toBe(403);
    expect(closed.body).toMatchObject({ code: 'PASSWORD_LOGIN_CLOSED', message: ESIA_REFUSAL_MESSAGES.PASSWORD_LOGIN_CLOSED });
    expect(closed.body.message).toContain('Войти через Госуслуги');
    const [row] = await t.db.query(
      "SELECT outcome, reason FROM login_attempts WHERE user_id = $1 AND method = 'password' ORDER BY id DESC LIMIT 1",
      [student.id],
    );
    expect(row).toEqual({ outcome: 'failure', reason: 'PASSWORD_LOGIN_CLOSED' });

    // a wrong password is still just a wrong password (nothing about the account leaks)
    expect((await t.http.post('/api/v1/auth/login').send({ login: student.login, password: 'nope-nope' })).body.code).toBe(
      'INVALID_CREDENTIALS',
    );

    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolClosedStaff });
    const staff = await t.http.post('/api/v1/auth/login').send({ login: teacher.login, password: teacher.password }).expect(200);
    expect(staff.body.esiaLinkSuggested).toBe(false);

    const teacherNoException = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolClosed });
    expect(
      (await t.http.post('/api/v1/auth/login').send({ login: teacherNoException.login, password: teacherNoException.password })).body.code,
    ).toBe('PASSWORD_LOGIN_CLOSED');

    // ESIA is the way in
    const snils = newSnils();
    const oid = await addEsiaPerson(t, { lastName: 'Морозов', firstName: 'Артём', birthDate: '2008-01-01', snils, level: 'standard' });
    const pupil = await makeUser(t.db, { schoolId: schoolClosed, lastName: 'Морозов', firstName: 'Артем', birthDate: '2008-01-01' });
    await setSnils(t, pupil.id, snils);
    expect((await exchange((await esiaLogin(oid)).get('ticket')).expect(200)).body.user.id).toBe(pupil.id);
  });

  it('ESIA_STATE_INVALID: callback from another browser (no cookie), a reused state, an unknown state, a reused ticket; state lives in Redis for 10 minutes', async () => {
    const oid = '1000000002';
    // another browser: the callback comes without our cookie
    const { esiaUrl, cookie } = await startFlow();
    const state = new URL(esiaUrl).searchParams.get('state')!;
    const ttl = await t.redis.ttl(`${t.config.redisPrefix}:esia:state:${state}`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    const callbackUrl = await atEsia(esiaUrl, oid);
    await expectRefusal(await callback(callbackUrl), 'ESIA_STATE_INVALID');
    // the state was single use: even the right browser cannot use it now
    await expectRefusal(await callback(callbackUrl, cookie), 'ESIA_STATE_INVALID');
    // a state we never issued (or one that expired), with a cookie from another flow
    const other = await startFlow();
    await expectRefusal(
      await callback(`${base}/api/v1/auth/esia/callback?code=x&state=6f1c1d8e-3a52-4c7e-9d54-0a7b1c2d3e4f`, other.cookie),
      'ESIA_STATE_INVALID',
    );
    await expectRefusal(await callback(`${base}/api/v1/auth/esia/callback`, other.cookie), 'ESIA_STATE_INVALID');
    // the cookie of one flow does not fit the state of another
    const a = await startFlow();
    const b = await startFlow();
    await expectRefusal(await callback(await atEsia(a.esiaUrl, oid), b.cookie), 'ESIA_STATE_INVALID');

    // sign-in tickets are single use; junk is refused without a 500
    const snils = newSnils();
    const p = await addEsiaPerson(t, { lastName: 'Новиков', firstName: 'Пётр', birthDate: '1990-01-01', snils, level: 'standard' });
    const u = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolOn, lastName: 'Новиков', firstName: 'Петр' });
    await setSnils(t, u.id, snils);
    const ticket = (await esiaLogin(p)).get('ticket');
    await exchange(ticket).expect(200);
    const reused = await exchange(ticket);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 'ESIA_STATE_INVALID', message: ESIA_REFUSAL_MESSAGES.ESIA_STATE_INVALID });
    expect((await exchange('not a ticket')).status).toBe(400);
    expect((await t.http.post('/api/v1/auth/esia/link').send({ linkTicket: 'x'.repeat(43), login: 'a', password: 'b' })).body.code).toBe(
      'ESIA_STATE_INVALID',
    );
    expect((await t.http.post('/api/v1/auth/esia/link').send({})).status).toBe(400);
  });

  it('ESIA_UNAVAILABLE: the token endpoint refuses the code (ESIA-007011), ESIA redirects back with an error', async () => {
    // a real state and cookie, but a code ESIA does not know: the emulator answers 400 ESIA-007011
    const one = await startFlow();
    const state = new URL(one.esiaUrl).searchParams.get('state')!;
    await expectRefusal(
      await callback(`${base}/api/v1/auth/esia/callback?code=forged-code&state=${state}`, one.cookie),
      'ESIA_UNAVAILABLE',
    );
    // ESIA answers the authorization with an error (service unavailable)
    const two = await startFlow();
    const state2 = new URL(two.esiaUrl).searchParams.get('state')!;
    const q = new URLSearchParams({ error: 'server_error', error_description: 'ESIA-007008: Сервис временно недоступен', state: state2 });
    await expectRefusal(await callback(`${base}/api/v1/auth/esia/callback?${q}`, two.cookie), 'ESIA_UNAVAILABLE');
    const rows = await esiaAttempts(null);
    expect(rows.filter((r: { reason: string }) => r.reason === 'ESIA_UNAVAILABLE')).toHaveLength(2);
  });

  // ---- unlink and revoke --------------------------------------------------------------------------

  async function linkedUser(
    schoolId: string,
    lastName: string,
  ): Promise<{ user: MadeUser; oid: string; esia: { accessToken: string; refreshToken: string } }> {
    const snils = newSnils();
    const oid = await addEsiaPerson(t, { lastName, firstName: 'Ирина', birthDate: '1980-01-01', snils, level: 'confirmed' });
    const user = await makeUser(t.db, { roles: [Role.Parent], schoolId, lastName, firstName: 'Ирина' });
    await setSnils(t, user.id, snils);
    const esia = (await exchange((await esiaLogin(oid)).get('ticket')).expect(200)).body;
    return { user, oid, esia };
  }

  it("unlink by the user: the link ends, the user's ESIA sessions end, password sessions stay", async () => {
    const { user, esia } = await linkedUser(schoolOn, 'Ковалёва');
    const password = await login(t, user);
    await t.http.delete('/api/v1/me/esia-link').set(bearer(password.accessToken)).expect(204);
    expect(await links(user.id)).toEqual([expect.objectContaining({ revoked_at: expect.any(Date), revoked_reason: 'user' })]);
    expect((await t.http.get('/api/v1/me').set(bearer(esia.accessToken))).status).toBe(401);
    expect((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: esia.refreshToken })).status).toBe(401);
    await t.http.get('/api/v1/me').set(bearer(password.accessToken)).expect(200);
    expect((await t.http.get('/api/v1/me/esia-link').set(bearer(password.accessToken)).expect(200)).body).toEqual({
      linked: false,
      linkedAt: null,
      method: null,
    });
    const again = await t.http.delete('/api/v1/me/esia-link').set(bearer(password.accessToken));
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('ESIA_LINK_NOT_FOUND');
  });

  it("admins list the active links of their school/region (paginated) and revoke one, which ends the user's ESIA sessions", async () => {
    const a = await linkedUser(schoolOn, 'Антонова');
    const b = await linkedUser(schoolOn, 'Борисова');
    const elsewhere = await linkedUser(schoolClosed, 'Чужая');
    const admin = await login(t, schoolAdmin);

    const firstPage = await t.http.get('/api/v1/admin/esia-links?limit=1').set(bearer(admin.accessToken)).expect(200);
    expect(firstPage.body).toMatchObject({ limit: 1, offset: 0, items: [expect.any(Object)] });
    const all = await t.http.get(`/api/v1/admin/esia-links?limit=200`).set(bearer(admin.accessToken)).expect(200);
    expect(all.body.total).toBe(firstPage.body.total);
    const ids = all.body.items.map((i: { userId: string }) => i.userId);
    expect(ids).toEqual(expect.arrayContaining([a.user.id, b.user.id]));
    expect(ids).not.toContain(elsewhere.user.id);
    const itemA = all.body.items.find((i: { userId: string }) => i.userId === a.user.id);
    expect(itemA).toEqual({
      id: expect.any(String),
      userId: a.user.id,
      login: a.user.login,
      lastName: 'Антонова',
      firstName: 'Ирина',
      middleName: null,
      schoolId: schoolOn,
      linkedAt: expect.any(String),
      method: 'snils_fio',
    });

    const linkOfElsewhere = (await t.db.query('SELECT id FROM esia_links WHERE user_id = $1', [elsewhere.user.id]))[0].id;
    expect((await t.http.delete(`/api/v1/admin/esia-links/${linkOfElsewhere}`).set(bearer(admin.accessToken))).status).toBe(404);

    await t.http.delete(`/api/v1/admin/esia-links/${itemA.id}`).set(bearer(admin.accessToken)).expect(204);
    expect((await t.http.get('/api/v1/me').set(bearer(a.esia.accessToken))).status).toBe(401);
    await t.http.get('/api/v1/me').set(bearer(b.esia.accessToken)).expect(200);
    expect(await links(a.user.id)).toEqual([expect.objectContaining({ revoked_reason: 'admin' })]);
    const [session] = await t.db.query("SELECT revoked_reason FROM sessions WHERE user_id = $1 AND method = 'esia'", [a.user.id]);
    expect(session.revoked_reason).toBe('esia_link_revoked');
    const afterRevoke = await t.http.get('/api/v1/admin/esia-links?limit=200').set(bearer(admin.accessToken)).expect(200);
    expect(afterRevoke.body.total).toBe(all.body.total - 1);
    expect((await t.http.delete(`/api/v1/admin/esia-links/${itemA.id}`).set(bearer(admin.accessToken))).status).toBe(404);

    // the next ESIA login of the revoked user starts from scratch (SNILS + FIO links again)
    expect((await exchange((await esiaLogin(a.oid)).get('ticket')).expect(200)).body.linkedNow).toBe(true);

    // a student cannot list links
    const student = await makeUser(t.db, { schoolId: schoolOn });
    expect((await t.http.get('/api/v1/admin/esia-links').set(bearer((await login(t, student)).accessToken))).status).toBe(403);
  });

  it('serves the reference web client with a strict same-origin CSP; its ESIA button starts on the host of redirect_uri', async () => {
    const page = await t.http.get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('Войти через Госуслуги');
    expect(page.text).not.toMatch(/<script>[^<]/); // no inline script
    const script = await t.http.get('/web/app.js').expect(200);
    expect(script.headers['content-type']).toMatch(/text\/javascript/);
    expect(script.text).toContain(`var ESIA_LOGIN = "${base}/api/v1/auth/esia/login";`);
    expect(script.text).toContain(JSON.stringify(ESIA_REFUSAL_MESSAGES.FIO_MISMATCH));
    await t.http
      .get('/web/app.css')
      .expect(200)
      .expect('content-type', /text\/css/);
  });

  // ---- nothing of ESIA's personal data is kept ----------------------------------------------------

  it('stores no ESIA name, SNILS or birth date anywhere in the database (runs last)', async () => {
    // Values only ESIA knows from the flows above: ё-spellings and FIO of persons without a diary
    // counterpart, every SNILS the emulator returned, ESIA birth dates that differ from the diary's.
    const needles = [
      'Семёнова',
      'Алёна',
      'Викторовна',
      'Козлов',
      'Олегович',
      'Артём',
      'Пётр',
      '145-678-902 06',
      '14567890206',
      '15678340904',
      '1988-02-03',
      '03.02.1988',
    ];
    const snilsInUse: Array<{ snils: string }> = [];
    for (const row of await t.db.query('SELECT id FROM users WHERE snils_hash IS NOT NULL')) {
      const { PersonalDataService } = await import('../../src/modules/users/personal-data.service');
      const s = await t.app.get(PersonalDataService).readSnils(row.id);
      if (s) snilsInUse.push({ snils: s });
    }
    needles.push(...snilsInUse.map((s) => s.snils));
    const columns: Array<{ table_name: string; column_name: string; data_type: string }> = await t.db.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY', 'date')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const c of columns) {
      const expr = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
      for (const needle of needles) {
        const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE strpos(${expr}, $1) > 0`, [needle]);
        if (n > 0) found.push(`${c.table_name}.${c.column_name} contains ${needle}`);
      }
    }
    expect(found).toEqual([]);
    // the search itself works: the diary's own spelling is found
    const [{ n: control }] = await t.db.query(`SELECT count(*)::int AS n FROM "users" WHERE strpos("last_name"::text, $1) > 0`, [
      'СЕМЕНОВА',
    ]);
    expect(control).toBe(1);
    // and esia_links holds nothing but ids, times and the method
    const linkColumns = columns
      .filter((c) => c.table_name === 'esia_links')
      .map((c) => c.column_name)
      .sort();
    expect(linkColumns).toEqual(['method', 'oid', 'revoked_reason']);
  });
});
