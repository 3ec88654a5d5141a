import { createHmac } from 'node:crypto';
import {
  createDiaryClient,
  DiaryApiError,
  type ErrorCode,
  isDiaryApiError,
  type TokenPair,
  unwrap,
  UNEXPECTED_RESPONSE,
} from '../../client/src/index';
import { Role } from '../../src/common/auth/role';
import { makeClass, makeLesson, makeSchool, makeSubject, makeUser, MadeUser } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

/**
 * The typed client (client/, generated from docs/openapi.json) against the real app over HTTP: what a
 * frontend does with it — sign in, read /me, read offset and cursor pages and a student's week, get
 * typed errors, and refresh an expired access token once (even for calls that run at the same time).
 */
describe('typed client (@school-diary/client) against the running app', () => {
  let t: TestApp;
  let admin: MadeUser;
  let student: MadeUser;
  const calls: string[] = [];

  /** A token store as a frontend keeps one, with the client wired to it; `calls` records every request. */
  function signedInClient(tokens: { accessToken: string | null; refreshToken: string | null }) {
    const events: string[] = [];
    const diary = createDiaryClient({
      baseUrl: t.baseUrl,
      getAccessToken: () => tokens.accessToken,
      getRefreshToken: () => tokens.refreshToken,
      onTokenRefresh: (pair: TokenPair) => {
        events.push('refreshed');
        Object.assign(tokens, pair);
      },
      onSessionEnd: (e) => {
        events.push(`ended:${e.code}`);
        tokens.accessToken = tokens.refreshToken = null;
      },
      fetch: (req) => {
        calls.push(`${req.method} ${new URL(req.url).pathname} ${req.headers.get('Authorization') ? 'bearer' : 'anonymous'}`);
        return fetch(req);
      },
    });
    return { diary, tokens, events };
  }

  /** The same access token with `exp` in the past, signed with the app's key: what a 15-minute-old token looks like. */
  function expired(accessToken: string): string {
    const [h, p] = accessToken.split('.');
    const claims = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), exp: Math.floor(Date.now() / 1000) - 10 };
    const body = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${body}.${createHmac('sha256', t.config.jwtSecret).update(body).digest('base64url')}`;
  }

  async function signIn(user: MadeUser): Promise<TokenPair> {
    return unwrap(
      createDiaryClient({ baseUrl: t.baseUrl }).POST('/api/v1/auth/login', { body: { login: user.login, password: user.password } }),
    );
  }

  beforeAll(async () => {
    t = await createTestApp({ PORT: String(await freePort()) }, { listen: true });
    const school = await makeSchool(t.db);
    const cls = await makeClass(t.db, { schoolId: school.id, name: '5А' });
    const subject = await makeSubject(t.db, { schoolId: school.id, name: 'Математика' });
    admin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id, lastName: 'Директорова' });
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    student = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: school.id,
      classId: cls.id,
      lastName: 'Ученикова',
      firstName: 'Анна',
    });
    await makeLesson(t.db, {
      schoolId: school.id,
      classId: cls.id,
      subjectId: subject.id,
      teacherId: teacher.id,
      date: '2026-11-24',
      startTime: '08:30',
      endTime: '09:15',
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    calls.length = 0;
  });

  it('signs in, reads /me and an offset page of users with the token it was given', async () => {
    const { diary, tokens } = signedInClient({ accessToken: null, refreshToken: null });
    const login = await diary.POST('/api/v1/auth/login', { body: { login: admin.login, password: admin.password } });
    expect(login.error).toBeUndefined();
    Object.assign(tokens, login.data);
    expect(login.data!.user).toMatchObject({ id: admin.id, roles: [Role.SchoolAdmin], lastName: 'Директорова' });

    const me = await unwrap(diary.GET('/api/v1/me'));
    expect(me).toMatchObject({ id: admin.id, login: admin.login, school: { id: admin.schoolId } });

    const page = await unwrap(diary.GET('/api/v1/admin/users', { params: { query: { role: 'student', limit: 5, offset: 0 } } }));
    expect(page).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(page.items.map((u) => [u.id, u.lastName])).toEqual([[student.id, 'Ученикова']]);
    expect(calls).toEqual(['POST /api/v1/auth/login anonymous', 'GET /api/v1/me bearer', 'GET /api/v1/admin/users bearer']);
  });

  it("reads a student's week and a cursor page of notifications", async () => {
    const { diary } = signedInClient({ ...(await signIn(student)) });
    const week = await unwrap(
      diary.GET('/api/v1/schedule/students/{studentId}/week', { params: { path: { studentId: student.id }, query: { week: '2026-W48' } } }),
    );
    expect(week).toMatchObject({ week: '2026-W48', from: '2026-11-23', to: '2026-11-29' });
    expect(week.days).toHaveLength(7);
    expect(week.days[1].lessons.map((l) => [l.subject.name, l.startTime, l.status])).toEqual([['Математика', '08:30', 'scheduled']]);

    const notes = await unwrap(diary.GET('/api/v1/notifications', { params: { query: { limit: 10 } } }));
    expect(notes).toEqual({ items: [], nextCursor: null });
  });

  it('answers a wrong password with the typed INVALID_CREDENTIALS, as a result and as an exception', async () => {
    const diary = createDiaryClient({ baseUrl: t.baseUrl });
    const { data, error, response } = await diary.POST('/api/v1/auth/login', { body: { login: admin.login, password: 'wrong-password' } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    // the type of error.code is the union of the codes POST /auth/login documents
    const code: ErrorCode<'/api/v1/auth/login', 'post'> | undefined = error?.code;
    expect(code).toBe('INVALID_CREDENTIALS');
    expect(error).toMatchObject({ statusCode: 401, message: 'Неверный логин или пароль', requestId: expect.any(String) });

    const thrown = await unwrap(diary.POST('/api/v1/auth/login', { body: { login: admin.login, password: 'wrong-password' } })).catch(
      (e: unknown) => e,
    );
    expect(isDiaryApiError<ErrorCode<'/api/v1/auth/login', 'post'>>(thrown)).toBe(true);
    expect(thrown).toBeInstanceOf(DiaryApiError);
    expect(thrown).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401, message: 'Неверный логин или пароль' });
  });

  it('refreshes an expired access token once and retries the call, also for concurrent calls and a call with a body', async () => {
    const pair = await signIn(student);
    const { diary, tokens, events } = signedInClient({ accessToken: expired(pair.accessToken), refreshToken: pair.refreshToken });
    const [me, count, readAll] = await Promise.all([
      unwrap(diary.GET('/api/v1/me')),
      unwrap(diary.GET('/api/v1/notifications/unread-count')),
      unwrap(diary.POST('/api/v1/notifications/read-all', { body: {} })),
    ]);
    expect(me.id).toBe(student.id);
    expect(count).toEqual({ unread: 0 });
    expect(readAll).toEqual({ marked: 0 });
    expect(events).toEqual(['refreshed']); // one refresh for the three calls: a second one would spend a used token
    expect(calls.filter((c) => c.startsWith('POST /api/v1/auth/refresh'))).toEqual(['POST /api/v1/auth/refresh anonymous']);
    expect(calls).toHaveLength(7); // 3 refused + 1 refresh + 3 retried
    expect(tokens.refreshToken).not.toBe(pair.refreshToken);
    // the stored pair works, and the old refresh token is spent
    expect((await unwrap(diary.GET('/api/v1/me'))).id).toBe(student.id);
    const reuse = await createDiaryClient({ baseUrl: t.baseUrl }).POST('/api/v1/auth/refresh', {
      body: { refreshToken: pair.refreshToken },
    });
    expect(reuse.error?.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('ends the session when the refresh is refused, and the call keeps its TOKEN_EXPIRED', async () => {
    const pair = await signIn(student);
    await unwrap(createDiaryClient({ baseUrl: t.baseUrl }).POST('/api/v1/auth/logout', { body: { refreshToken: pair.refreshToken } }));
    const { diary, tokens, events } = signedInClient({ accessToken: expired(pair.accessToken), refreshToken: pair.refreshToken });
    const { error } = await diary.GET('/api/v1/me');
    expect(error?.code).toBe('TOKEN_EXPIRED');
    expect(events).toEqual(['ended:INVALID_REFRESH_TOKEN']);
    expect(tokens).toEqual({ accessToken: null, refreshToken: null });
  });

  it("turns an error answer that is not the API's (a proxy page) into UNEXPECTED_RESPONSE", async () => {
    const proxy = async (): Promise<Response> =>
      new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
    const diary = createDiaryClient({ baseUrl: t.baseUrl, fetch: proxy });
    const { error, response } = await diary.GET('/api/v1/me');
    expect(response.status).toBe(502);
    expect(error).toMatchObject({ statusCode: 502, code: UNEXPECTED_RESPONSE });
    await expect(unwrap(diary.GET('/api/v1/me'))).rejects.toMatchObject({ code: UNEXPECTED_RESPONSE, status: 502 });
  });
});
