import { randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { OutboxRelay } from '../../src/modules/events/outbox-relay';
import { pushTag } from '../../src/modules/notifications/push/push.types';
import { bearer, HttpSink, linkEsiaAccount, login, makeClassWithFamily, startHttpSink, waitFor, webPushKeys } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase, dropTestDatabase, runId, withAdminClient } from '../utils/test-db';

jest.setTimeout(300_000);

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/**
 * Bull keeps completed jobs a day, and a job id it holds swallows a later add. Job ids come from
 * database sequence numbers, so a database that is re-created or restored from a backup — or a second
 * database — on the SAME Redis prefix hands out ids whose jobs already ran. Every notification, push and
 * portal delivery must still be made, once.
 */
describe('queues after a database restore on the same Redis prefix', () => {
  let push: HttpSink;
  let portal: HttpSink;
  const redis = new Redis('redis://127.0.0.1:6379');
  const prefixes: string[] = [];
  const databases: string[] = [];

  beforeAll(async () => {
    push = await startHttpSink(() => 201);
    portal = await startHttpSink(() => 200);
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
    for (const db of databases) await dropTestDatabase(db);
    await push?.close();
    await portal?.close();
  });

  const newPrefix = (): string => {
    const p = `test-restore-${randomBytes(4).toString('hex')}`;
    prefixes.push(p);
    return p;
  };
  const start = (database: string, redisPrefix: string): Promise<TestApp> =>
    createTestApp(
      {
        APP_ROLE: 'all',
        OUTBOX_POLL_MS: '50',
        PUSH_BACKOFF_MS: '200',
        PORTAL_SYNC_URL: `${portal.url}/portal/events`,
        PORTAL_SYNC_FIRST_RETRY_MS: '200',
      },
      { database, redisPrefix },
    );

  /** A class with a parent who has a browser subscribed (at `path`) and a student linked to ESIA (portal deliveries). */
  async function family(t: TestApp, path: string) {
    const fam = await makeClassWithFamily(t.db);
    await linkEsiaAccount(t.db, fam.student.id);
    const parentToken = (await login(t, fam.parent)).accessToken;
    const dev = await t.http
      .post('/api/v1/notifications/devices/web-push')
      .set(bearer(parentToken))
      .send({ endpoint: `${push.url}${path}`, keys: webPushKeys() });
    expect(dev.status).toBe(201);
    return { fam, teacherToken: (await login(t, fam.teacher)).accessToken };
  }

  /** Posts grades; returns their event ids. */
  async function grades(t: TestApp, f: Awaited<ReturnType<typeof family>>, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await t.http
        .post('/api/v1/grades')
        .set(bearer(f.teacherToken))
        .send({
          classId: f.fam.classId,
          subjectId: f.fam.subjectId,
          date: yesterday(),
          studentId: f.fam.student.id,
          value: 2 + (i % 4),
          workType: 'answer',
        });
      expect(res.status).toBe(201);
      const [e] = await t.db.query(`SELECT id FROM domain_events WHERE aggregate_id = $1 AND type = 'grade.created'`, [res.body.id]);
      ids.push(String(e.id));
    }
    return ids;
  }

  /** Waits until every event made its notifications (student + parent), its push and its portal delivery, and the queues are idle. */
  async function delivered(t: TestApp, eventIds: string[], path: string): Promise<void> {
    await waitFor(
      async () => {
        const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM notifications WHERE event_id = ANY($1::bigint[])', [eventIds]);
        const [{ pushed }] = await t.db.query(
          `SELECT count(*)::int AS pushed FROM push_deliveries pd JOIN notifications x ON x.id = pd.notification_id WHERE x.event_id = ANY($1::bigint[]) AND pd.status = 'sent'`,
          [eventIds],
        );
        const [{ portalled }] = await t.db.query(
          `SELECT count(*)::int AS portalled FROM portal_deliveries WHERE event_id = ANY($1::bigint[]) AND status = 'delivered'`,
          [eventIds],
        );
        return n === eventIds.length * 2 && pushed === eventIds.length && portalled === eventIds.length;
      },
      `deliveries of events ${eventIds.join(',')}`,
      90_000,
      50,
    );
    for (const q of ['notifications', 'push', 'portal-sync']) {
      const queue = t.app.get<Queue>(getQueueToken(q), { strict: false });
      await waitFor(
        async () => {
          const c = await queue.getJobCounts();
          return c.waiting + c.active + c.delayed === 0;
        },
        `queue ${q} idle`,
        60_000,
        50,
      );
    }
    const dup = await t.db.query(
      'SELECT event_id FROM notifications WHERE event_id = ANY($1::bigint[]) GROUP BY event_id, user_id HAVING count(*) > 1',
      [eventIds],
    );
    expect(dup).toEqual([]);
    // one push per notification reached the browser, each with its own topic
    const notes: Array<{ id: string; created_at: Date }> = await t.db.query(
      `SELECT x.id, x.created_at FROM notifications x JOIN push_deliveries pd ON pd.notification_id = x.id WHERE x.event_id = ANY($1::bigint[])`,
      [eventIds],
    );
    for (const n of notes) {
      expect(
        push.requests.filter((r) => r.path === path && r.headers.topic === pushTag(String(n.id), new Date(n.created_at).toISOString())),
      ).toHaveLength(1);
    }
  }

  it('a database re-created from scratch on the same prefix: the new events, with the old ids, are all delivered', async () => {
    const prefix = newPrefix();
    const first = await createTestDatabase();
    databases.push(first);
    let t = await start(first, prefix);
    let f = await family(t, '/push/recreate-1');
    const before = await grades(t, f, 3);
    await delivered(t, before, '/push/recreate-1');
    await t.close();
    await dropTestDatabase(first);

    const second = await createTestDatabase();
    databases.push(second);
    t = await start(second, prefix);
    try {
      f = await family(t, '/push/recreate-2');
      const after = await grades(t, f, 3);
      expect(after).toEqual(before); // the same sequence numbers again: the collision this test is about
      await delivered(t, after, '/push/recreate-2');
    } finally {
      await t.close();
    }
  });

  it('restored from a backup taken while events were unpublished: those and the events after the restore are all delivered', async () => {
    const prefix = newPrefix();
    const live = await createTestDatabase();
    const backup = `diary_test_${runId()}_backup_${randomBytes(4).toString('hex')}`;
    databases.push(live, backup);
    const path = '/push/restore';

    // the original timeline: delivered events, then events still in the outbox when the backup is taken
    let t = await start(live, prefix);
    const f = await family(t, path);
    const delivered1 = await grades(t, f, 2);
    await delivered(t, delivered1, path);
    await t.app.get(OutboxRelay).beforeApplicationShutdown();
    const inFlight = await grades(t, f, 2);
    const [{ unpublished }] = await t.db.query('SELECT count(*)::int AS unpublished FROM domain_events WHERE published_at IS NULL');
    expect(unpublished).toBe(2);
    const [{ incarnation: original }] = await t.db.query('SELECT incarnation FROM installation');
    await t.close();
    await withAdminClient((c) => c.query(`CREATE DATABASE "${backup}" TEMPLATE "${live}"`));

    // the original goes on: publishes the in-flight events, makes more, then is lost
    t = await start(live, prefix);
    await delivered(t, inFlight, path);
    expect((await t.db.query('SELECT incarnation FROM installation'))[0].incarnation).toBe(original); // a restart is not a copy
    const lost = await grades(t, f, 2);
    await delivered(t, lost, path);
    await t.close();
    await dropTestDatabase(live);

    // restored from the backup, same Redis prefix: the in-flight events are published again, new events reuse the lost ids
    t = await start(backup, prefix);
    try {
      const again = await grades(t, f, 2);
      expect(again).toEqual(lost);
      await delivered(t, [...inFlight, ...again], path);
      const [{ incarnation }] = await t.db.query('SELECT incarnation FROM installation');
      expect(incarnation).not.toBe(original);
      const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM notifications WHERE event_id = ANY($1::bigint[])', [
        [...delivered1, ...inFlight, ...again],
      ]);
      expect(n).toBe(12);
    } finally {
      await t.close();
    }
  });
});
