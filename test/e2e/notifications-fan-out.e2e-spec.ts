import { Role } from '../../src/common/auth/role';
import { countQueries, linkParent, makeClassWithFamily, makeLesson, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { NewEvent } from '../../src/modules/events/event-types';
import { OutboxService, StoredEvent } from '../../src/modules/events/outbox.service';
import { audienceOf } from '../../src/modules/notifications/audience';
import { FanOutService } from '../../src/modules/notifications/fan-out.service';
import { NotificationsRepository } from '../../src/modules/notifications/notifications.repository';
import { RealtimeService } from '../../src/modules/notifications/realtime.service';

jest.setTimeout(120_000);

const event = (
  type: string,
  payload: Record<string, unknown>,
  actorId: string | null = 'a0000000-0000-4000-8000-000000000001',
): StoredEvent =>
  ({
    id: '1',
    type,
    aggregateType: 'grade',
    aggregateId: 'b0000000-0000-4000-8000-000000000001',
    schoolId: null,
    actorId,
    payload,
    idempotencyKey: 'k',
    occurredAt: new Date(),
    publishedAt: null,
  }) as StoredEvent;

describe('audienceOf: whom each event type is for', () => {
  it('grades and homework results go to the student and parents; attendance to the parents only', () => {
    expect(audienceOf(event('grade.created', { studentId: 's', subjectId: 'sub' }))).toEqual({
      source: 'student',
      keys: ['s'],
      self: true,
      subjectId: 'sub',
      lessonId: null,
    });
    expect(audienceOf(event('homework.returned', { studentId: 's', lessonId: 'l' }))).toMatchObject({
      source: 'student',
      self: true,
      subjectId: null,
      lessonId: 'l',
    });
    expect(audienceOf(event('attendance.marked', { studentId: 's' }))).toMatchObject({ source: 'student', keys: ['s'], self: false });
    expect(audienceOf(event('grade.deleted', {}))).toBeNull();
  });

  it('class-wide, listed users, conversations and announcements', () => {
    expect(audienceOf(event('homework.created', { classId: 'c' }))).toMatchObject({ source: 'class', keys: ['c'] });
    expect(audienceOf(event('lesson.changed', {}))).toMatchObject({ source: 'class', keys: [] });
    expect(audienceOf(event('lesson.reminder', { userIds: ['u1', 7, 'u2'], lessonId: 'l' }))).toMatchObject({
      source: 'user',
      keys: ['u1', 'u2'],
      lessonId: 'l',
    });
    expect(audienceOf(event('message.created', { conversationId: 'c', senderId: 'x' }))).toEqual({
      source: 'conversation',
      keys: ['c'],
      exclude: 'x',
    });
    expect(audienceOf(event('message.created', { conversationId: 'c' }, 'actor'))).toMatchObject({ exclude: 'actor' });
    expect(audienceOf(event('message.created', {}))).toBeNull();
    expect(audienceOf(event('announcement.created', {}))).toEqual({
      source: 'announcement',
      keys: ['b0000000-0000-4000-8000-000000000001'],
    });
    expect(audienceOf(event('announcement.reminder', { userIds: ['u'] }))).toEqual({ source: 'user', keys: ['u'] });
    expect(audienceOf(event('something.else', {}))).toBeNull();
  });
});

/**
 * The batch fan-out on real PostgreSQL and Redis (api role: no processor takes the queued pushes, so
 * they stay pending and countable). The service is called as the notify-event job calls it.
 */
describe('batch fan-out (handleEvents)', () => {
  let t: TestApp;
  let svc: FanOutService;
  let outbox: OutboxService;
  let w: Awaited<ReturnType<typeof world>>;
  let seq = 0;

  async function world() {
    const fam = await makeClassWithFamily(t.db);
    const { schoolId, classId } = fam;
    const parentB = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkParent(t.db, parentB.id, fam.student.id);
    const s2 = await makeUser(t.db, { schoolId, roles: [Role.Student], classId, firstName: 'Пётр' });
    const p2 = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkParent(t.db, p2.id, s2.id);
    const s3 = await makeUser(t.db, { schoolId, roles: [Role.Student], classId, firstName: 'Анна' });
    const p3 = await makeUser(t.db, { schoolId, roles: [Role.Parent] });
    await linkParent(t.db, p3.id, s3.id);
    const gone = await makeUser(t.db, { schoolId, roles: [Role.Student], status: 'blocked' });
    // p2 muted grades; p3 takes the daily digest instead of pushes; p3 and the teacher have devices
    await t.db.query(
      `INSERT INTO notification_preferences (user_id, channels, daily_digest) VALUES ($1, '{"grade":"off"}', false), ($2, '{}', true)`,
      [p2.id, p3.id],
    );
    await t.db.query(
      `INSERT INTO push_devices (user_id, kind, address, platform) VALUES ($1, 'mobile', $2, 'android'), ($3, 'mobile', $4, 'ios'), ($5, 'mobile', $6, 'android')`,
      [p3.id, `tok-p3-${classId}`, fam.parent.id, `tok-p1-${classId}`, fam.teacher.id, `tok-t-${classId}`],
    );
    return { ...fam, parentB, s2, p2, s3, p3, gone };
  }

  const grade = (studentId: string, value: number, actorId = w.teacher.id): NewEvent => ({
    type: 'grade.created',
    aggregateType: 'grade',
    aggregateId: '00000000-0000-4000-8000-' + String(++seq).padStart(12, '0'),
    schoolId: w.schoolId,
    actorId,
    payload: { studentId, subjectId: w.subjectId, gradeId: '00000000-0000-4000-8000-' + String(seq).padStart(12, '0'), value },
    idempotencyKey: `fan-out-test:${seq}:${Date.now()}`,
  });
  const other = (
    type: NewEvent['type'],
    payload: Record<string, unknown>,
    aggregateType: NewEvent['aggregateType'] = 'lesson',
  ): NewEvent => ({
    type,
    aggregateType,
    aggregateId: '00000000-0000-4000-8000-' + String(++seq).padStart(12, '0'),
    schoolId: w.schoolId,
    actorId: w.teacher.id,
    payload,
    idempotencyKey: `fan-out-test:${seq}:${Date.now()}`,
  });
  /** Records events in order and returns their ids. */
  const record = async (events: NewEvent[]): Promise<string[]> => {
    await t.db.transaction((tx) => outbox.recordMany(tx, events));
    const rows: Array<{ id: string }> = await t.db.query('SELECT id FROM domain_events WHERE idempotency_key = ANY($1) ORDER BY id', [
      events.map((e) => e.idempotencyKey),
    ]);
    return rows.map((r) => String(r.id));
  };
  const rowsOf = async (eventIds: string[]) =>
    (await t.db.query('SELECT id, event_id, user_id, body, data FROM notifications WHERE event_id = ANY($1::bigint[]) ORDER BY id', [
      eventIds,
    ])) as Array<{
      id: string;
      event_id: string;
      user_id: string;
      body: string;
      data: Record<string, string>;
    }>;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    svc = t.app.get(FanOutService);
    outbox = t.app.get(OutboxService);
    w = await world();
  });
  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  it('one batch of mixed events makes, per event, the rows the per-event rules make (recipients, names, preferences, pushes, order)', async () => {
    const published: Array<{ userId: string; view: { id: string; body: string } }> = [];
    const realtime = t.app.get(RealtimeService);
    const publish = realtime.publish.bind(realtime);
    jest.spyOn(realtime, 'publish').mockImplementation(async (items) => {
      published.push(...items);
      return publish(items);
    });
    const ids = await record([
      grade(w.student.id, 5), // 0: student, both parents
      grade(w.s2.id, 4), // 1: s2; p2 muted grades
      grade(w.s3.id, 3), // 2: s3, p3 (digest: no push)
      other('attendance.marked', { studentId: w.student.id, subjectId: w.subjectId, status: 'absent', date: '2026-11-20' }, 'attendance'), // 3: parents only
      other('homework.created', { classId: w.classId, subjectId: w.subjectId, dueDate: '2026-11-30' }, 'homework'), // 4: the class and its parents; not the teacher
      other('lesson.reminder', { lessonId: '00000000-0000-4000-8000-0000000000ff', userIds: [w.s2.id, w.gone.id, w.s2.id, 'not-a-uuid'] }), // 5: s2 once
      grade('not-a-uuid', 2), // 6: nobody
      grade(w.student.id, 4, w.parent.id), // 7: not the parent who caused it
      other('attendance.marked', { studentId: w.student.id, status: 'present' }, 'attendance'), // 8: "present" makes nothing
    ]);
    const result = await svc.handleEvents(ids);

    const rows = await rowsOf(ids);
    const got = rows.map((r) => `${ids.indexOf(String(r.event_id))}:${r.user_id}:${r.body}`);
    const P1 = w.parent.id,
      PB = w.parentB.id;
    const expected = [
      `0:${w.student.id}:Математика, оценка 5`,
      `0:${P1}:Иван: Математика, оценка 5`,
      `0:${PB}:Иван: Математика, оценка 5`,
      `1:${w.s2.id}:Математика, оценка 4`,
      `2:${w.s3.id}:Математика, оценка 3`,
      `2:${w.p3.id}:Анна: Математика, оценка 3`,
      `3:${P1}:Иван: отсутствие на уроке, Математика, 2026-11-20`,
      `3:${PB}:Иван: отсутствие на уроке, Математика, 2026-11-20`,
      ...[w.student.id, w.s2.id, w.s3.id, P1, PB, w.p2.id, w.p3.id].map((u) => `4:${u}:Математика, срок: 2026-11-30`),
      `5:${w.s2.id}:Урок скоро начнётся`,
      `7:${w.student.id}:Математика, оценка 4`,
      `7:${PB}:Иван: Математика, оценка 4`,
    ];
    expect([...got].sort()).toEqual([...expected].sort());
    expect(result).toEqual({ events: 9, created: expected.length, pushes: 3, skipped: { 'no-recipients': 1, muted: 1 } });

    // ids follow the events' order (and, within an event, recipients come together)
    expect(rows.map((r) => ids.indexOf(String(r.event_id)))).toEqual(
      [...rows.map((r) => ids.indexOf(String(r.event_id)))].sort((a, b) => a - b),
    );
    expect(rows.find((r) => r.user_id === P1)?.data).toMatchObject({
      eventType: 'grade.created',
      studentId: w.student.id,
      subjectId: w.subjectId,
    });
    // only new rows go to the real-time channel, oldest first
    expect(published.map((p) => p.view.id)).toEqual(rows.map((r) => String(r.id)));

    // pushes: p1 (default channel push) for events 0, 3 and 4; p3 takes the digest; the teacher got nothing
    const deliveries: Array<{ user_id: string; event_id: string; status: string }> = await t.db.query(
      `SELECT n.user_id, n.event_id, pd.status FROM push_deliveries pd JOIN notifications n ON n.id = pd.notification_id WHERE n.event_id = ANY($1::bigint[])`,
      [ids],
    );
    expect(deliveries.map((d) => `${ids.indexOf(String(d.event_id))}:${d.user_id}:${d.status}`).sort()).toEqual(
      [0, 3, 4].map((i) => `${i}:${P1}:pending`),
    );
  });

  it('a batch without student events: class-wide, listed users (subject from the lesson), conversation members, announcement recipients', async () => {
    const lesson = await makeLesson(t.db, {
      schoolId: w.schoolId,
      classId: w.classId,
      subjectId: w.subjectId,
      teacherId: w.teacher.id,
      date: '2026-11-30',
    });
    const [conv] = await t.db.query(
      `INSERT INTO conversations (kind, title, school_id, created_by) VALUES ('group', 'Родители', $1, $2) RETURNING id`,
      [w.schoolId, w.teacher.id],
    );
    await t.db.query('INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2), ($1, $3), ($1, $4), ($1, $5)', [
      conv.id,
      w.teacher.id,
      w.parent.id,
      w.p2.id,
      w.gone.id,
    ]);
    const [ann] = await t.db.query(
      `INSERT INTO announcements (school_id, sender_id, audience, title, body, recipient_count) VALUES ($1, $2, 'school', 'Собрание', 'Текст', 2) RETURNING id`,
      [w.schoolId, w.teacher.id],
    );
    await t.db.query('INSERT INTO announcement_recipients (announcement_id, user_id, created_at) VALUES ($1, $2, now()), ($1, $3, now())', [
      ann.id,
      w.s3.id,
      w.p3.id,
    ]);

    for (const batch of [
      [other('lesson.reminder', { lessonId: lesson.id, userIds: [w.s3.id] })], // each source alone, and first in its union
      [other('message.created', { conversationId: conv.id, messageId: '1', senderId: w.parent.id }, 'conversation')],
      [other('announcement.created', { announcementId: ann.id }, 'announcement')],
      [other('lesson.changed', { lessonId: lesson.id, classId: w.classId, kinds: ['room_changed'], after: { date: '2026-11-30' } })],
    ]) {
      const ids = await record(batch);
      await svc.handleEvents(ids);
      const rows = await rowsOf(ids);
      const to = (u: string) => rows.filter((r) => r.user_id === u).map((r) => r.body);
      switch (batch[0].type) {
        case 'lesson.reminder':
          expect(rows.map((r) => `${r.user_id}:${r.body}`)).toEqual([`${w.s3.id}:Математика: урок скоро начнётся`]);
          break;
        case 'message.created': // not the sender, not the blocked member, not the actor (the teacher)
          expect(rows.map((r) => r.user_id)).toEqual([w.p2.id]);
          expect(rows[0].body).toBe('Вам пришло новое сообщение');
          break;
        case 'announcement.created':
          expect(rows.map((r) => r.user_id).sort()).toEqual([w.s3.id, w.p3.id].sort());
          break;
        default:
          expect(rows).toHaveLength(7);
          expect(to(w.parent.id)).toEqual(['Математика, 2026-11-30, смена кабинета']);
      }
    }
  });

  it('costs the same number of queries for 3 events as for 60 (set-based, no per-event or per-recipient lookups)', async () => {
    const small = await record([grade(w.student.id, 5), grade(w.s2.id, 4), grade(w.s3.id, 3)]);
    const large = await record(
      Array.from({ length: 60 }, (_, i) => [w.student, w.s2, w.s3][i % 3]).map((s, i) => grade(s.id, 2 + (i % 4))),
    );
    const a = await countQueries(() => svc.handleEvents(small));
    const b = await countQueries(() => svc.handleEvents(large));
    expect(a.result.created).toBe(6);
    expect(b.result.created).toBe(20 * 3 + 20 * 1 + 20 * 2);
    expect(b.queries).toBe(a.queries);
    expect(a.queries).toBeLessThanOrEqual(10);
  });

  it('is safe to run again, for the same batch or an overlapping one: no duplicate rows, no second real-time message, pending pushes re-queued once', async () => {
    const ids = await record([grade(w.student.id, 5), grade(w.s3.id, 4)]);
    const first = await svc.handleEvents(ids);
    expect(first).toMatchObject({ created: 5, pushes: 1 });
    const publish = jest.spyOn(t.app.get(RealtimeService), 'publish');
    const again = await svc.handleEvents(ids);
    expect(again).toMatchObject({ created: 0, pushes: 1 }); // the delivery is still pending: queued again under the same job id
    expect(publish).toHaveBeenCalledWith([]);
    const [more] = await record([grade(w.s2.id, 3)]);
    const overlap = await svc.handleEvents([ids[1], more, ids[0], more]);
    expect(overlap).toMatchObject({ events: 3, created: 1 });

    const dup = await t.db.query(
      'SELECT event_id, user_id FROM notifications WHERE event_id = ANY($1::bigint[]) GROUP BY 1, 2 HAVING count(*) > 1',
      [[...ids, more]],
    );
    expect(dup).toEqual([]);
    const [{ n }] = await t.db.query(
      'SELECT count(*)::int AS n FROM push_deliveries pd JOIN notifications x ON x.id = pd.notification_id WHERE x.event_id = ANY($1::bigint[])',
      [ids],
    );
    expect(n).toBe(1);
    const [delivery] = await t.db.query(
      `SELECT pd.id, (extract(epoch FROM pd.created_at) * 1000000)::bigint::text AS at FROM push_deliveries pd JOIN notifications x ON x.id = pd.notification_id WHERE x.event_id = ANY($1::bigint[])`,
      [ids],
    );
    const { getQueueToken } = await import('@nestjs/bull');
    const { JobKeys } = await import('../../src/core/queue/job-ids');
    const { QueueProducer } = await import('../../src/core/queue/queue-producer.service');
    const jobId = await t.app.get(QueueProducer).jobId(JobKeys.push({ id: String(delivery.id), at: delivery.at }));
    const job = await t.app.get(getQueueToken('push'), { strict: false }).getJob(jobId);
    expect(job?.data).toEqual({ deliveryId: String(delivery.id) });
  });

  it('one failing event does not hold back the rest of its batch; the job fails naming it, and a retry completes it', async () => {
    const ids = await record([grade(w.student.id, 5), grade(w.s2.id, 4), grade(w.s3.id, 3)]);
    const repo = t.app.get(NotificationsRepository);
    const insert = repo.insertForEvents.bind(repo);
    jest.spyOn(repo, 'insertForEvents').mockImplementation(async (tx, rows) => {
      if (rows.some((r) => r.eventId === ids[1])) throw new Error('simulated failure');
      return insert(tx, rows);
    });
    await expect(svc.handleEvents(ids)).rejects.toThrow(`Fan-out failed for event(s) ${ids[1]}: simulated failure`);
    const done = new Set((await rowsOf(ids)).map((r) => String(r.event_id)));
    expect(done).toEqual(new Set([ids[0], ids[2]]));

    jest.restoreAllMocks();
    expect(await svc.handleEvents(ids)).toMatchObject({ created: 1 });
    expect(new Set((await rowsOf(ids)).map((r) => String(r.event_id)))).toEqual(new Set(ids));
  });

  it('accepts the one-event form and ids of events that no longer exist', async () => {
    const [id] = await record([grade(w.s2.id, 5)]);
    expect(await svc.handleEvents([id])).toMatchObject({ events: 1, created: 1 });
    expect(await svc.handleEvents(['999999999', 'x'])).toEqual({ events: 1, created: 0, pushes: 0, skipped: { 'event-gone': 1 } });
  });
});
