/**
 * The API called from another origin in a real browser (chromium): a page served by a second local server
 * (another port = another origin), hosting the typed client bundle itself as a separate frontend would,
 * signs in and reads /me on the app's port. Allowed when its origin is in CORS_ORIGINS (the preflight is
 * answered, the bodies, error codes and exposed headers are readable); refused by the browser — a
 * TypeError in the page, the request never reaching the sign-in — when it is not.
 */
import { createServer, Server } from 'node:http';
import { Page } from 'playwright-core';
import { DIARY_CLIENT_JS } from '../../src/web/diary-client.generated';
import { makeSchool, makeUser, MadeUser } from '../factories';
import { launchChromium, TestBrowser } from '../utils/chromium';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

/** The frontend's page script: what it reports back to the test. */
interface Outcome {
  ok: boolean;
  error?: string;
  wrongPasswordCode?: string;
  requestIdReadable?: boolean;
  meId?: string;
}

const PAGE_JS = `import { createDiaryClient, unwrap } from '/diary-client.js';
window.signInAndReadMe = async function (api, login, password) {
  var tokens = null;
  var diary = createDiaryClient({ baseUrl: api, getAccessToken: function () { return tokens && tokens.accessToken; } });
  try {
    var wrong = await diary.POST('/api/v1/auth/login', { body: { login: login, password: 'not-the-password' } });
    tokens = await unwrap(diary.POST('/api/v1/auth/login', { body: { login: login, password: password } }));
    var me = await unwrap(diary.GET('/api/v1/me'));
    return { ok: true, wrongPasswordCode: wrong.error && wrong.error.code, requestIdReadable: !!wrong.response.headers.get('X-Request-Id'), meId: me.id };
  } catch (e) {
    return { ok: false, error: e.name + ': ' + e.message };
  }
};
document.body.dataset.ready = 'yes';
`;

/** A separate frontend on its own port: a page, its script, and the client bundle. */
async function startFrontend(port: number): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html; charset=utf-8',
      '<!DOCTYPE html><html><head><meta charset="utf-8"><script type="module" src="/page.js"></script></head><body></body></html>',
    ],
    '/page.js': ['text/javascript; charset=utf-8', PAGE_JS],
    '/diary-client.js': ['text/javascript; charset=utf-8', DIARY_CLIENT_JS],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, { 'Content-Type': file ? file[0] : 'text/plain' }).end(file ? file[1] : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('the API from another origin in chromium (CORS_ORIGINS)', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let allowed: Server;
  let refused: Server;
  let allowedOrigin: string;
  let refusedOrigin: string;

  beforeAll(async () => {
    const [apiPort, allowedPort, refusedPort] = [await freePort(), await freePort(), await freePort()];
    allowedOrigin = `http://127.0.0.1:${allowedPort}`;
    refusedOrigin = `http://127.0.0.1:${refusedPort}`;
    [t, browser, allowed, refused] = await Promise.all([
      createTestApp({ PORT: String(apiPort), CORS_ORIGINS: allowedOrigin }, { listen: true }),
      launchChromium(),
      startFrontend(allowedPort),
      startFrontend(refusedPort),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed, refused].map((s) => s && new Promise((resolve) => s.close(resolve))));
    await t?.close();
  });

  async function openFrontend(origin: string, consoleErrors: string[]): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${origin}/`);
    await page.locator('body[data-ready="yes"]').waitFor({ state: 'attached' });
    return page;
  }

  const run = (page: Page, user: MadeUser): Promise<Outcome> =>
    page.evaluate(
      ([api, login, password]) =>
        (globalThis as unknown as { signInAndReadMe(a: string, l: string, p: string): Promise<Outcome> }).signInAndReadMe(
          api,
          login,
          password,
        ),
      [t.baseUrl!, user.login, user.password] as const,
    );

  const attemptsOf = async (userId: string): Promise<string[]> =>
    (await t.db.query('SELECT outcome FROM login_attempts WHERE user_id = $1 ORDER BY id', [userId])).map(
      (r: { outcome: string }) => r.outcome,
    );

  it('an origin in CORS_ORIGINS signs in and reads /me, with typed error codes and exposed headers readable', async () => {
    const user = await makeUser(t.db, { schoolId: (await makeSchool(t.db)).id });
    const consoleErrors: string[] = [];
    const page = await openFrontend(allowedOrigin, consoleErrors);
    expect(await run(page, user)).toEqual({ ok: true, wrongPasswordCode: 'INVALID_CREDENTIALS', requestIdReadable: true, meId: user.id });
    expect(await attemptsOf(user.id)).toEqual(['failure', 'success']);
    // the wrong password's 401 is what chromium logs as a failed resource; nothing about CORS
    expect(consoleErrors.filter((e) => /CORS/i.test(e))).toEqual([]);
    await page.close();
  });

  it('an origin not in CORS_ORIGINS is refused by the browser: a TypeError in the page, the sign-in never runs', async () => {
    const user = await makeUser(t.db, { schoolId: (await makeSchool(t.db)).id });
    const consoleErrors: string[] = [];
    const page = await openFrontend(refusedOrigin, consoleErrors);
    expect(await run(page, user)).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
    expect(consoleErrors.some((e) => e.includes(`from origin '${refusedOrigin}' has been blocked by CORS policy`))).toBe(true);
    expect(await attemptsOf(user.id)).toEqual([]); // the preflight was refused, so the POST was never sent
    await page.close();
  });
});
