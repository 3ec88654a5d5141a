import { randomBytes } from 'node:crypto';
import { Role } from '../../src/common/auth/role';
import { loadConfig } from '../../src/config/app-config';
import { prepareDatabase } from '../../src/main';
import { createTestApp } from '../utils/create-test-app';
import { databaseUrl, dropTestDatabase, withAdminClient } from '../utils/test-db';

describe('start-up', () => {
  it('creates a missing database and applies the migrations, then finds nothing to do', async () => {
    const name = `diary_test_fresh_${randomBytes(4).toString('hex')}`;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl(name) });
    try {
      const first = await prepareDatabase(config);
      expect(first.created).toBe(true);
      expect(first.applied.length).toBeGreaterThan(0);
      const tables = await withAdminClient(async () => {
        const { Client } = await import('pg');
        const c = new Client({ connectionString: databaseUrl(name) });
        await c.connect();
        try {
          return (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename);
        } finally {
          await c.end();
        }
      });
      expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'login_attempts', 'classes', 'typeorm_migrations']));
      const second = await prepareDatabase(config);
      expect(second).toEqual({ created: false, applied: [] });
    } finally {
      await dropTestDatabase(name);
    }
  });

  it('creates the bootstrap platform admin once, from the environment', async () => {
    const t = await createTestApp({ BOOTSTRAP_ADMIN_LOGIN: 'Root.Admin', BOOTSTRAP_ADMIN_PASSWORD: 'Bootstrap-pass-1' });
    try {
      const res = await t.http.post('/api/v1/auth/login').send({ login: 'root.admin', password: 'Bootstrap-pass-1' }).expect(200);
      expect(res.body.user.roles).toEqual([Role.PlatformAdmin]);
      // A second start with a platform admin present creates nobody.
      await t.app.get((await import('../../src/modules/users/users-bootstrap.service')).UsersBootstrap).onApplicationBootstrap();
      const [{ n }] = await t.db.query("SELECT count(*)::int AS n FROM users WHERE 'platform_admin' = ANY(roles)");
      expect(n).toBe(1);
    } finally {
      await t.close();
    }
  });
});
