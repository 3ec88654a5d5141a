import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../src/common/decorators/public.decorator';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { walkRoutes } from '../utils/routes';

/**
 * Deny by default: every route needs a token unless it is marked @Public(). This walks every
 * controller route of the running app; a route that is public without being on the list below,
 * or guarded routes that answer anything but 401 without a token, fail the test.
 */
const EXPECTED_PUBLIC = new Set([
  'GET /health/live',
  'GET /health/ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  // the second step of a password sign-in, with the challenge of the first (src/modules/auth/mfa)
  'POST /api/v1/auth/login/mfa',
  'POST /api/v1/auth/login/mfa/enrol',
  'POST /api/v1/auth/login/mfa/enrol/confirm',
  // Госуслуги (ESIA) browser flow and the login page's region list (src/modules/linking, src/modules/settings)
  'GET /api/v1/auth/esia/regions',
  'GET /api/v1/auth/esia/login',
  'GET /api/v1/auth/esia/callback',
  'POST /api/v1/auth/esia/exchange',
  'POST /api/v1/auth/esia/link',
  // the reference web client (src/web), outside the API prefix
  'GET /',
  'GET /web/app.js',
  'GET /web/diary-client.js',
  'GET /web/app.css',
]);

interface Route {
  method: string;
  path: string;
  isPublic: boolean;
}

function collectRoutes(t: TestApp): Route[] {
  const reflector = t.app.get(Reflector);
  return walkRoutes(t).map(({ method, path, handler, controller }) => ({
    method,
    path,
    isPublic: !!reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler as never, controller as never]),
  }));
}

describe('deny by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('finds the routes it walks', () => {
    const routes = collectRoutes(t);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContainEqual({ method: 'POST', path: '/api/v1/auth/login', isPublic: true });
    expect(routes).toContainEqual({ method: 'GET', path: '/api/v1/me', isPublic: false });
  });

  it('has no public route that is not on the reviewed list', () => {
    const unexpected = collectRoutes(t)
      .filter((r) => r.isPublic && !r.path.startsWith('/esia-emulator'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !EXPECTED_PUBLIC.has(r));
    expect(unexpected).toEqual([]);
  });

  it('answers 401 UNAUTHORIZED on every other route when called without a token', async () => {
    const failures: string[] = [];
    for (const r of collectRoutes(t).filter((x) => !x.isPublic)) {
      const path = r.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await (t.http as unknown as Record<string, (p: string) => Promise<{ status: number; body: { code?: string } }>>)[
        r.method.toLowerCase()
      ](path);
      if (res.status !== 401 || res.body.code !== 'UNAUTHORIZED') failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
