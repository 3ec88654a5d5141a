import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../src/cli/seed-demo';
import { bearer } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a school anyone can sign in to, and a second run changes nothing', async () => {
    expect(await seedDemo(t.app)).toEqual({ created: true });
    expect(await seedDemo(t.app)).toEqual({ created: false });

    for (const u of DEMO_USERS) {
      const res = await t.http.post('/api/v1/auth/login').send({ login: u.login, password: DEMO_PASSWORD });
      expect({ login: u.login, status: res.status }).toEqual({ login: u.login, status: 200 });
    }
    const parent = await t.http.post('/api/v1/auth/login').send({ login: 'parent.demo', password: DEMO_PASSWORD });
    const me = await t.http.get('/api/v1/me').set(bearer(parent.body.accessToken)).expect(200);
    expect(me.body.children).toEqual([expect.objectContaining({ firstName: 'Мария', class: expect.objectContaining({ name: '5А' }) })]);

    const teacher = await t.http.post('/api/v1/auth/login').send({ login: 'teacher.demo', password: DEMO_PASSWORD });
    expect(teacher.body.user.roles).toEqual(['teacher', 'class_teacher']);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM teacher_assignments');
    expect(n).toBe(11);

    // The demo region is in its transition period: Госуслуги is offered and linking suggested.
    const regions = await t.http.get('/api/v1/auth/esia/regions').expect(200);
    expect(regions.body.items.map((r: { code: string }) => r.code)).toContain('DEMO');
    expect(parent.body.esiaLinkSuggested).toBe(true);
  });
});
