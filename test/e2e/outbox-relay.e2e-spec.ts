import { getQueueToken } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { HttpSink, makeClassWithFamily, startHttpSink, waitFor } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { QUEUES } from '../../src/core/queue/queue.constants';
import { NOTIFY_BATCH_SIZE } from '../../src/modules/events/event-routes';
import { NewEvent } from '../../src/modules/events/event-types';
import { EventStamp, JobKeys } from '../../src/core/queue/job-ids';
import { OutboxRelay } from '../../src/modules/events/outbox-relay';
import { OutboxService } from '../../src/modules/events/outbox.service';
import { batchJobId, eventJobId } from '../utils/queue-jobs';

jest.setTimeout(120_000);

describe('JobKeys.events', () => {
  const e = (id: string, at = `17000000000000${id}`): EventStamp => ({ id, at });
  it('keeps the per-event key for one event and is deterministic for many', () => {
    expect(JobKeys.events([e('42')])).toBe(JobKeys.event(e('42')));
    expect(JobKeys.event(e('42', '1767225600123456'))).toBe('event-42-1767225600123456');
    expect(JobKeys.events([e('1'), e('2'), e('5')])).toMatch(/^events-1-5-3-[A-Za-z0-9_-]{16}$/);
    expect(JobKeys.events([e('1'), e('2'), e('5')])).toBe(JobKeys.events([e('1'), e('2'), e('5')]));
  });

  it('differs for different sets between the same first and last id (a late-committed event must not collapse away)', () => {
    expect(JobKeys.events([e('1'), e('2'), e('5')])).not.toBe(JobKeys.events([e('1'), e('3'), e('5')]));
    expect(JobKeys.events([e('1'), e('5')])).not.toBe(JobKeys.events([e('1'), e('2'), e('5')]));
  });

  it('differs for the same ids created at another time (a restored database hands the ids out again)', () => {
    expect(JobKeys.event(e('7', '1'))).not.toBe(JobKeys.event(e('7', '2')));
    expect(JobKeys.events([e('1', '1'), e('2', '1')])).not.toBe(JobKeys.events([e('1', '1'), e('2', '2')]));
  });
});

/**
 * The relay on real PostgreSQL and Redis (role all: the processors take the jobs). Its timer is
 * stopped, so rounds run only when the test calls publishBatch().
 */
describe('outbox relay: notifications in batches, the portal per event', () => {
  let t: TestApp;
  let portal: HttpSink;
  let relay: OutboxRelay;
  let notifyQueue: Queue;
  let portalQueue: Queue;
  let fam: Awaited<ReturnType<typeof makeClassWithFamily>>;

  beforeAll(async () => {
    portal = await startHttpSink(() => 200);
    t = await createTestApp({ APP_ROLE: 'all', OUTBOX_BATCH_SIZE: '200', PORTAL_SYNC_URL: `${portal.url}/portal/events` });
    relay = t.app.get(OutboxRelay);
    await relay.beforeApplicationShutdown(); // no timed rounds: only the test's publishBatch() calls
    notifyQueue = t.app.get(getQueueToken(QUEUES.notifications), { strict: false });
    portalQueue = t.app.get(getQueueToken(QUEUES.portalSync), { strict: false });
    fam = await makeClassWithFamily(t.db);
  });
  afterAll(async () => {
    await t?.close();
    await portal?.close();
  });

  const record = async (n: number, type: NewEvent['type'] = 'grade.created'): Promise<string[]> => {
    const k = `${Date.now()}-${Math.random()}`;
    const events: NewEvent[] = Array.from({ length: n }, (_, i) => ({
      type,
      aggregateType: type === 'attendance.marked' ? 'attendance' : 'grade',
      aggregateId: fam.student.id,
      schoolId: fam.schoolId,
      actorId: fam.teacher.id,
      payload: { studentId: fam.student.id, subjectId: fam.subjectId, value: 5, status: 'absent' },
      idempotencyKey: `relay-test:${k}:${i}`,
    }));
    await t.db.transaction((tx) => t.app.get(OutboxService).recordMany(tx, events));
    const rows: Array<{ id: string }> = await t.db.query('SELECT id FROM domain_events WHERE idempotency_key LIKE $1 ORDER BY id', [
      `relay-test:${k}:%`,
    ]);
    return rows.map((r) => String(r.id));
  };
  const chunks = (ids: string[]): string[][] =>
    Array.from({ length: Math.ceil(ids.length / NOTIFY_BATCH_SIZE) }, (_, i) =>
      ids.slice(i * NOTIFY_BATCH_SIZE, (i + 1) * NOTIFY_BATCH_SIZE),
    );
  const notificationCount = async (ids: string[]): Promise<number> =>
    (await t.db.query('SELECT count(*)::int AS n FROM notifications WHERE event_id = ANY($1::bigint[])', [ids]))[0].n;
  const jobs = async (queue: Queue): Promise<Job[]> => queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);

  it('publishes one notify job per run of up to NOTIFY_BATCH_SIZE events of a round, and one portal job per portal event', async () => {
    const grades = await record(230);
    const attendance = await record(5, 'attendance.marked'); // not a portal event type
    const all = [...grades, ...attendance];
    const notifyBefore = (await jobs(notifyQueue)).length;
    expect(await relay.publishBatch()).toBe(200);
    expect(await relay.publishBatch()).toBe(35);
    expect(await relay.publishBatch()).toBe(0);

    // round 1: ids 0..199 → jobs of 100 + 100; round 2: 30 grades + 5 attendance → one job of 35
    const expected = [...chunks(all.slice(0, 200)), all.slice(200)];
    const notify = await jobs(notifyQueue);
    expect(notify.length - notifyBefore).toBe(expected.length);
    for (const ids of expected) {
      const job = await notifyQueue.getJob(await batchJobId(t, ids));
      expect(job?.data).toEqual({ eventIds: ids });
      await job!.finished();
    }
    for (const id of grades) expect((await portalQueue.getJob(await eventJobId(t, id)))?.data).toEqual({ eventId: id });
    expect(await portalQueue.getJob(await eventJobId(t, attendance[0]))).toBeNull();

    // student + parent for each grade, the parent only for each absence
    expect(await notificationCount(all)).toBe(230 * 2 + 5);
  });

  it('a re-published round (crash after the add, before the commit) collapses onto its jobs or is handled again without duplicates', async () => {
    const ids = await record(150);
    expect(await relay.publishBatch()).toBe(150);
    for (const c of chunks(ids)) await (await notifyQueue.getJob(await batchJobId(t, c)))!.finished();
    expect(await notificationCount(ids)).toBe(300);
    const before = (await jobs(notifyQueue)).length;

    // the same rows again: same batches, same job ids → nothing new queued
    await t.db.query('UPDATE domain_events SET published_at = NULL WHERE id = ANY($1::bigint[])', [ids]);
    expect(await relay.publishBatch()).toBe(150);
    expect((await jobs(notifyQueue)).length).toBe(before);

    // cut differently (some rows were published after all): the new batch runs, and writes nothing twice
    await t.db.query('UPDATE domain_events SET published_at = NULL WHERE id = ANY($1::bigint[])', [ids.slice(50)]);
    expect(await relay.publishBatch()).toBe(100);
    const job = await notifyQueue.getJob(await batchJobId(t, ids.slice(50)));
    expect(job?.data).toEqual({ eventIds: ids.slice(50) });
    expect(await job!.finished()).toMatchObject({ events: 100, created: 0 });
    await waitFor(async () => (await notifyQueue.getJobCounts()).active === 0, 'notify queue idle');
    const dup = await t.db.query(
      'SELECT event_id FROM notifications WHERE event_id = ANY($1::bigint[]) GROUP BY event_id, user_id HAVING count(*) > 1',
      [ids],
    );
    expect(dup).toEqual([]);
    expect(await notificationCount(ids)).toBe(300);
  });
  it("a job Bull already holds under an id that is not this add's is detected: the events are queued under a distinct id, not stamped silently", async () => {
    const ids = await record(3, 'attendance.marked'); // not a portal type: one notify job only
    const jobId = await batchJobId(t, ids);
    // what a database on the same Redis prefix left behind under the very same id: another event, a day old, done
    const stranger = await notifyQueue.add('notify-event', { eventIds: ['999999999'] }, {
      jobId,
      timestamp: Date.now() - 86_400_000,
    } as object);
    await stranger.finished();
    const collisions = relay.collisions;

    expect(await relay.publishBatch()).toBe(3);
    expect(relay.collisions).toBe(collisions + 1);
    const requeued = (await jobs(notifyQueue)).find((j) => String(j.id).startsWith(`${jobId}~`));
    expect(requeued?.data).toEqual({ eventIds: ids });
    await requeued!.finished();
    expect(await notificationCount(ids)).toBe(3); // the parent, for each absence
    expect((await notifyQueue.getJob(jobId))?.data).toEqual({ eventIds: ['999999999'] });
    const [{ unpublished }] = await t.db.query(
      'SELECT count(*)::int AS unpublished FROM domain_events WHERE id = ANY($1::bigint[]) AND published_at IS NULL',
      [ids],
    );
    expect(unpublished).toBe(0);
  });
});
