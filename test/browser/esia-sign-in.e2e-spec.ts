/**
 * The reference web client in a real browser (Debian's chromium driven by playwright-core): sign-in
 * page → "Войти через Госуслуги" → emulator login (pick a person) → "Предоставить" → signed in; the
 * "Отказать" path ending on the Russian ESIA_CONSENT_DENIED message; and the transition prompt after
 * a password login ("Пропустить"). Explicit waits only, no sleeps.
 */
import { BrowserContext, Page } from 'playwright-core';

import { Role } from '../../src/common/auth/role';
import { ESIA_REFUSAL_MESSAGES } from '../../src/modules/linking/linking.errors';
import { makeRegion, makeSchool, makeUser, MadeUser, setAuthSettings, setSnils } from '../factories';
import { launchChromium, TestBrowser } from '../utils/chromium';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';

describe('reference web client in chromium: Войти через Госуслуги', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let context: BrowserContext;
  let teacher: MadeUser;
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    [t, browser] = await Promise.all([createTestApp({ PORT: String(port) }, { listen: true }), launchChromium()]);
    context = browser.context;
    const region = await makeRegion(t.db);
    await setAuthSettings(t.db, region.id, { esiaEnabled: true });
    const school = await makeSchool(t.db, { regionId: region.id });
    // the diary counterpart of the emulator's confirmed adult 1000000001 (SNILS stored encrypted, as the app does)
    const parent = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: school.id,
      lastName: 'Тестов',
      firstName: 'Пётр',
      middleName: 'Иванович',
      birthDate: '1985-03-14',
    });
    await setSnils(t, parent.id, '112-233-445 95');
    teacher = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId: school.id,
      lastName: 'Учителева',
      firstName: 'Ольга',
      middleName: 'Павловна',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return page;
  }

  async function throughEsia(page: Page, decision: '#allow' | '#deny'): Promise<void> {
    await page.goto(`${t.baseUrl}/`);
    await page.locator('#view-sign-in').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Войти через Госуслуги' }).click();
    await page.waitForURL(/\/esia-emulator\/login\?/);
    await page.locator('button[data-oid="1000000001"]').click();
    await page.waitForURL(/\/esia-emulator\/consent\?/);
    await page.locator(decision).click();
    await page.waitForURL((url) => url.origin === t.baseUrl && url.pathname === '/');
  }

  it('Войти через Госуслуги → pick the person → Предоставить → signed in with the diary name', async () => {
    const page = await newPage();
    await throughEsia(page, '#allow');
    await page.locator('#view-signed-in').waitFor({ state: 'visible' });
    expect(await page.locator('#user-name').textContent()).toBe('Тестов Пётр Иванович');
    expect(await page.locator('#link-status').textContent()).toBe('Учётные записи Дневника и портала госуслуг связаны.');
    expect(new URL(page.url()).search).toBe(''); // the ticket is gone from the address bar
    const cookies = await context.cookies(`${t.baseUrl}/api/v1/auth/esia/callback`);
    expect(cookies.find((c) => c.name === 'diary_esia_flow')).toBeUndefined(); // cleared after the callback
    await page.close();
    expect(problems).toEqual([]);
  });

  it('Отказать → the error page shows the Russian ESIA_CONSENT_DENIED message', async () => {
    const page = await newPage();
    await throughEsia(page, '#deny');
    await page.locator('#view-error').waitFor({ state: 'visible' });
    expect(await page.locator('#error-code').textContent()).toBe('ESIA_CONSENT_DENIED');
    expect(await page.locator('#error-message').textContent()).toBe(ESIA_REFUSAL_MESSAGES.ESIA_CONSENT_DENIED);
    expect(await page.locator('#error-message').textContent()).toContain('авторизация в Дневнике через портал госуслуг невозможна');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('password login during the transition period → Привязать / Пропустить → Пропустить → signed in without a link', async () => {
    const page = await newPage();
    await page.goto(`${t.baseUrl}/`);
    await page.locator('#login').fill(teacher.login);
    await page.locator('#password').fill(teacher.password);
    await page.locator('#login-submit').click();
    await page.locator('#view-link-prompt').waitFor({ state: 'visible' });
    expect(await page.locator('#link-esia').textContent()).toBe('Привязать учетную запись портала Госуслуг');
    await page.getByRole('button', { name: 'Пропустить' }).click();
    await page.locator('#view-signed-in').waitFor({ state: 'visible' });
    expect(await page.locator('#user-name').textContent()).toBe('Учителева Ольга Павловна');
    await page.locator('#link-status').filter({ hasText: 'не связана' }).waitFor();
    await page.close();
    expect(problems).toEqual([]);
  });
});
