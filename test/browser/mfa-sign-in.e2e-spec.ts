/**
 * The reference web client's staff second factor in a real browser (Debian's chromium, playwright-core):
 * password → MFA_REQUIRED → the code page → a wrong code stays on the page with the API's message → the
 * right code signs in; a recovery code works in the same field; a school admin whose region requires a factor
 * enrols during sign-in (QR code and key shown, first code, ten recovery codes) and is signed in. Codes are
 * computed by the test from the secret (test/factories Authenticator). Explicit waits only, no sleeps.
 */
import { BrowserContext, Page } from 'playwright-core';

import { Role } from '../../src/common/auth/role';
import { Authenticator, bearer, login, MadeUser, makeRegion, makeSchool, makeUser, setAuthSettings } from '../factories';
import { launchChromium, TestBrowser } from '../utils/chromium';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

jest.setTimeout(120_000);

describe('reference web client in chromium: second factor', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let context: BrowserContext;
  let schoolId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    [t, browser] = await Promise.all([
      createTestApp({ PORT: String(port), LOGIN_RATE_LIMIT_PER_MINUTE: '10000' }, { listen: true }),
      launchChromium(),
    ]);
    context = browser.context;
    const region = await makeRegion(t.db);
    await setAuthSettings(t.db, region.id, { esiaEnabled: false });
    schoolId = (await makeSchool(t.db, { regionId: region.id })).id;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // the refused second-step request itself is logged by chromium as a failed resource load
      if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return page;
  }

  /** Enrols a teacher through the API, as the own-account page would. */
  async function enrolledTeacher(): Promise<{ user: MadeUser; app: Authenticator; recoveryCodes: string[] }> {
    const user = await makeUser(t.db, { roles: [Role.Teacher], schoolId, lastName: 'Кодова', firstName: 'Вера', middleName: 'Львовна' });
    const { accessToken } = await login(t, user);
    const start = await t.http.post('/api/v1/me/mfa/totp').set(bearer(accessToken)).expect(201);
    const app = new Authenticator(start.body.secret);
    const confirmed = await t.http
      .post('/api/v1/me/mfa/totp/confirm')
      .set(bearer(accessToken))
      .send({ code: await app.next() })
      .expect(200);
    return { user, app, recoveryCodes: confirmed.body.recoveryCodes };
  }

  async function passwordStep(page: Page, user: MadeUser): Promise<void> {
    await page.goto(`${t.baseUrl}/`);
    await page.locator('#view-sign-in').waitFor({ state: 'visible' });
    await page.locator('#login').fill(user.login);
    await page.locator('#password').fill(user.password);
    await page.locator('#login-submit').click();
  }

  it('password → code page → a wrong code is refused on the page → the right code signs in', async () => {
    const { user, app } = await enrolledTeacher();
    const page = await newPage();
    await passwordStep(page, user);
    await page.locator('#view-mfa').waitFor({ state: 'visible' });
    expect(await page.locator('#password').inputValue()).toBe(''); // the password does not stay in the page

    await page.locator('#mfa-code').fill(app.wrong());
    await page.locator('#mfa-submit').click();
    await page.locator('#mfa-error').filter({ hasText: /./ }).waitFor();
    expect(await page.locator('#view-mfa').isVisible()).toBe(true);

    await page.locator('#mfa-code').fill(await app.next());
    await page.locator('#mfa-submit').click();
    await page.locator('#view-signed-in').waitFor({ state: 'visible' });
    expect(await page.locator('#user-name').textContent()).toBe('Кодова Вера Львовна');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('a recovery code typed into the same field signs in, once', async () => {
    const { user, recoveryCodes } = await enrolledTeacher();
    const page = await newPage();
    await passwordStep(page, user);
    await page.locator('#view-mfa').waitFor({ state: 'visible' });
    await page.locator('#mfa-code').fill(recoveryCodes[0]);
    await page.locator('#mfa-submit').click();
    await page.locator('#view-signed-in').waitFor({ state: 'visible' });
    await page.close();

    // the same recovery code again: the challenge ends and the sign-in page says why
    const again = await newPage();
    await passwordStep(again, user);
    await again.locator('#view-mfa').waitFor({ state: 'visible' });
    await again.locator('#mfa-code').fill(recoveryCodes[0]);
    await again.locator('#mfa-submit').click();
    await again.locator('#mfa-error, #login-error').filter({ hasText: /./ }).first().waitFor();
    expect(await again.locator('#view-signed-in').isVisible()).toBe(false);
    await again.close();
    expect(problems).toEqual([]);
  });

  it('an admin whose region requires a factor enrols during sign-in: QR code and key, first code, recovery codes, signed in', async () => {
    const region = await makeRegion(t.db);
    await setAuthSettings(t.db, region.id, { esiaEnabled: false });
    await t.db.query('UPDATE region_auth_settings SET admin_mfa_required = true WHERE region_id = $1', [region.id]);
    const school = await makeSchool(t.db, { regionId: region.id });
    const admin = await makeUser(t.db, {
      roles: [Role.SchoolAdmin],
      schoolId: school.id,
      lastName: 'Админова',
      firstName: 'Нина',
      middleName: 'Петровна',
    });

    const page = await newPage();
    await passwordStep(page, admin);
    await page.locator('#view-mfa-enrol').waitFor({ state: 'visible' });
    expect(await page.locator('#mfa-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(
      await page
        .locator('#mfa-qr')
        .evaluate(
          (img) => (img as { complete: boolean; naturalWidth: number }).complete && (img as { naturalWidth: number }).naturalWidth > 0,
        ),
    ).toBe(true);
    const secret = (await page.locator('#mfa-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    await page.locator('#mfa-enrol-code').fill(await new Authenticator(secret).next());
    await page.locator('#mfa-enrol-submit').click();
    await page.locator('#view-recovery-codes').waitFor({ state: 'visible' });
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await page.locator('#recovery-done').click();
    await page.locator('#view-signed-in').waitFor({ state: 'visible' });
    expect(await page.locator('#user-name').textContent()).toBe('Админова Нина Петровна');
    const [{ enabled }] = await t.db.query('SELECT confirmed_at IS NOT NULL AS enabled FROM user_mfa WHERE user_id = $1', [admin.id]);
    expect(enabled).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });
});
