import { getQueueToken } from '@nestjs/bull';
import { randomBytes } from 'node:crypto';
import { Role } from '../../src/common/auth/role';
import { missingHandlers } from '../../src/core/queue/handler-check';
import { QueueProducer } from '../../src/core/queue/queue-producer.service';
import { JOBS, QUEUES } from '../../src/core/queue/queue.constants';
import { HandlerCheck } from '../../src/worker.module';
import { login, makeSchool, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('worker role', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'all' });
  });
  afterAll(() => t.close());

  it('registers a handler for every declared job and passes the start-up check', () => {
    for (const name of Object.values(QUEUES)) {
      expect(missingHandlers(t.app.get(getQueueToken(name), { strict: false }), name)).toEqual([]);
    }
    expect(t.app.get(HandlerCheck, { strict: false })).toBeDefined();
  });

  it('runs the nightly purge through the queue: ended sessions and old idempotency keys go, live ones stay', async () => {
    const school = await makeSchool(t.db);
    const u = await makeUser(t.db, { schoolId: school.id, roles: [Role.Student] });
    const live = await login(t, u);
    const old = await login(t, u);
    await t.db.query("UPDATE sessions SET revoked_at = now() - interval '40 days' WHERE id = $1", [old.refreshToken.split('.')[0]]);
    const key = (k: string, age: string) =>
      t.db.query(
        `INSERT INTO idempotent_requests (user_id, key, request_method, request_path, request_hash, status_code, response, created_at)
                  VALUES ($1, $2, 'POST', '/api/v1/grades/batch', 'h', 201, '{}', now() - $3::interval)`,
        [u.id, k, age],
      );
    await key('key-old-0001', '15 days');
    await key('key-old-0002', '30 days');
    await key('key-recent-01', '13 days');

    const job = await t.app.get(QueueProducer).enqueue('purgeExpiredSessions', {}, { key: `purge-test-${randomBytes(3).toString('hex')}` });
    const result = await job.finished();
    expect(result).toEqual({ sessions: 1, attempts: 0, idempotencyKeys: 2 });
    const ids = (await t.db.query('SELECT id FROM sessions WHERE user_id = $1', [u.id])).map((r: { id: string }) => r.id);
    expect(ids).toEqual([live.refreshToken.split('.')[0]]);
    expect((await t.db.query('SELECT key FROM idempotent_requests WHERE user_id = $1', [u.id])).map((r: { key: string }) => r.key)).toEqual(
      ['key-recent-01'],
    );
  });

  it('collapses duplicate enqueues with the same job id (two schedulers firing at once)', async () => {
    const producer = t.app.get(QueueProducer);
    const id = `purge-dup-${randomBytes(3).toString('hex')}`;
    const a = await producer.enqueue('purgeExpiredSessions', {}, { key: id });
    const b = await producer.enqueue('purgeExpiredSessions', {}, { key: id });
    expect(String(a.id)).toBe(String(b.id));
    await a.finished();
  });
});

describe('handler check', () => {
  // The api role registers the queues (to produce) but no processors: exactly the situation the
  // worker start-up check must refuse.
  let api: TestApp;
  beforeAll(async () => {
    api = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(() => api.close());

  it('names every declared job that has no handler', () => {
    const queue = api.app.get(getQueueToken(QUEUES.maintenance), { strict: false });
    expect(missingHandlers(queue, QUEUES.maintenance)).toEqual([JOBS.purgeExpiredSessions.name]);
    expect(missingHandlers(queue, QUEUES.maintenance, [])).toEqual([]);
  });

  it('makes the worker refuse to start when a declared job has no handler', () => {
    const check = new HandlerCheck(api.app as never, [QUEUES.maintenance]);
    expect(() => check.onApplicationBootstrap()).toThrow(/no handler for job\(s\) maintenance\/purge-expired-sessions/);
  });
});
