import { TestApp } from './create-test-app';

/**
 * A browser driven by hand through "Войти через Госуслуги": our /auth/esia/login (state cookie), the
 * ESIA emulator's login and consent pages, our callback (302 to the frontend with one query value).
 * For apps started with `{ listen: true }`.
 */
export function esiaBrowser(t: TestApp) {
  const base = t.baseUrl;
  if (!base) throw new Error('esiaBrowser needs an app started with { listen: true }');

  /** GET /auth/esia/login (or the link-start URL): 302 to ESIA with the state cookie. */
  async function startFlow(url = `${base}/api/v1/auth/esia/login`): Promise<{ esiaUrl: string; cookie: string }> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^diary_esia_flow=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/api\/v1\/auth\/esia; Expires=.*; HttpOnly; SameSite=Lax$/,
    );
    return { esiaUrl: res.headers.get('location')!, cookie: setCookie.split(';')[0] };
  }

  /** The emulator's login page → pick the person → consent decision; returns the callback URL ESIA sends the browser to. */
  async function atEsia(esiaUrl: string, oid: string, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
    expect(esiaUrl.startsWith(`${base}/esia-emulator/aas/oauth2/v2/ac?`)).toBe(true);
    const ac = await fetch(esiaUrl, { redirect: 'manual' });
    expect(ac.status).toBe(302);
    const req = new URL(ac.headers.get('location')!, base).searchParams.get('req')!;
    const chosen = await fetch(`${base}/esia-emulator/login`, {
      method: 'POST',
      body: new URLSearchParams({ req, oid }),
      redirect: 'manual',
    });
    expect(chosen.status).toBe(302);
    const decided = await fetch(`${base}/esia-emulator/consent`, {
      method: 'POST',
      body: new URLSearchParams({ req, decision }),
      redirect: 'manual',
    });
    expect(decided.status).toBe(302);
    return decided.headers.get('location')!;
  }

  /** Our callback with the browser's cookie; returns the query of the frontend URL it redirects to. */
  async function callback(url: string, cookie?: string): Promise<URLSearchParams> {
    expect(url.startsWith(`${base}/api/v1/auth/esia/callback`)).toBe(true);
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe(`${t.config.frontendUrl}/`);
    expect([...target.searchParams.keys()]).toHaveLength(1); // exactly one of ticket / linkTicket / error
    expect(target.searchParams.has('code') || target.searchParams.has('accessToken')).toBe(false);
    return target.searchParams;
  }

  /** The whole browser round trip for one ESIA person. */
  async function esiaLogin(oid: string, decision: 'allow' | 'deny' = 'allow', startUrl?: string): Promise<URLSearchParams> {
    const { esiaUrl, cookie } = await startFlow(startUrl);
    return callback(await atEsia(esiaUrl, oid, decision), cookie);
  }

  return { startFlow, atEsia, callback, esiaLogin };
}
