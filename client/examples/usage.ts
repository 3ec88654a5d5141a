/**
 * The README's examples, type-checked with the client (`npm run typecheck`): when the API changes under
 * them, this file stops compiling. Not shipped (not in src/).
 */
import { createDiaryClient, type ErrorCode, isDiaryApiError, type Schema, type TokenPair, unwrap } from '../src/index.js';

// ---- a client wired to a token store ----------------------------------------------------------------
let tokens: TokenPair | null = null;

export const diary = createDiaryClient({
  baseUrl: 'https://diary.example.ru', // '' (the default): the page's own origin
  getAccessToken: () => tokens?.accessToken,
  getRefreshToken: () => tokens?.refreshToken,
  onTokenRefresh: (pair) => {
    tokens = pair;
  },
  onSessionEnd: () => {
    tokens = null;
  },
});

// ---- sign-in: switch on the codes POST /auth/login documents ------------------------------------------
export async function signIn(login: string, password: string): Promise<string> {
  const { data, error } = await diary.POST('/api/v1/auth/login', { body: { login, password } });
  if (error) {
    switch (error.code) {
      case 'INVALID_CREDENTIALS':
        return 'Неверный логин или пароль';
      case 'ACCOUNT_LOCKED': // details.lockedUntil
        return `${error.message} (до ${String((error.details as { lockedUntil?: string } | undefined)?.lockedUntil)})`;
      case 'PASSWORD_LOGIN_CLOSED':
        return 'Войдите через Госуслуги';
      default:
        return error.message; // Russian, ready to show
    }
  }
  tokens = data;
  return `Здравствуйте, ${data.user.firstName}`;
}

/** The same with exceptions: `unwrap` returns the data or throws a DiaryApiError. */
export async function signInOrThrow(login: string, password: string): Promise<Schema<'MeView'>> {
  try {
    const r = await unwrap(diary.POST('/api/v1/auth/login', { body: { login, password } }));
    tokens = r;
    return r.user;
  } catch (e) {
    if (isDiaryApiError<ErrorCode<'/api/v1/auth/login', 'post'>>(e) && e.code === 'ACCOUNT_LOCKED')
      throw new Error('Подождите 15 минут', { cause: e });
    throw e;
  }
}

// ---- a student's week ---------------------------------------------------------------------------------
export async function printWeek(studentId: string, week = 'current'): Promise<void> {
  const { data, error } = await diary.GET('/api/v1/schedule/students/{studentId}/week', {
    params: { path: { studentId }, query: { week } },
  });
  if (error) throw new Error(error.code === 'STUDENT_NOT_FOUND' ? 'Нет такого ученика' : error.message);
  for (const day of data.days) {
    for (const lesson of day.lessons) {
      const marks = lesson.grades?.map((g) => g.value).join(' ') ?? '';
      console.log(day.date, lesson.startTime, lesson.subject.name, lesson.status, marks);
    }
  }
}

// ---- pages --------------------------------------------------------------------------------------------
/** Offset pages `{ items, total, limit, offset }`: ask for the next offset until `total` is reached. */
export async function allUsers(schoolId: string): Promise<Schema<'UserView'>[]> {
  const users: Schema<'UserView'>[] = [];
  for (let offset = 0; ;) {
    const page = await unwrap(diary.GET('/api/v1/admin/users', { params: { query: { schoolId, limit: 100, offset } } }));
    users.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return users;
  }
}

/** Cursor pages `{ items, nextCursor }`: pass `nextCursor` back as `cursor` until it is null. */
export async function unreadNotifications(): Promise<Schema<'NotificationView'>[]> {
  const out: Schema<'NotificationView'>[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(diary.GET('/api/v1/notifications', { params: { query: { unread: true, limit: 50, cursor } } }));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
