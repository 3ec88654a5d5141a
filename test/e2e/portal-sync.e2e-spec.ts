import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Role } from '../../src/common/auth/role';
import { bearer, HttpSink, linkEsiaAccount, login, makeClassWithFamily, makeSchool, makeUser, startHttpSink, waitFor } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { eventJobId } from '../utils/queue-jobs';

jest.setTimeout(180_000);

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function gradeFor(
  t: TestApp,
  fam: Awaited<ReturnType<typeof makeClassWithFamily>>,
  token: string,
  studentId: string,
  value = 5,
): Promise<string> {
  const res = await t.http
    .post('/api/v1/grades')
    .set(bearer(token))
    .send({ classId: fam.classId, subjectId: fam.subjectId, date: yesterday(), studentId, value, workType: 'answer' });
  if (res.status !== 201) throw new Error(`grade refused: ${res.status} ${JSON.stringify(res.body)}`);
  const [e] = await t.db.query(`SELECT id FROM domain_events WHERE aggregate_id = $1 AND type = 'grade.created'`, [res.body.id]);
  return String(e.id);
}

const delivery = async (t: TestApp, eventId: string) =>
  (
    await t.db.query(
      'SELECT id, status, attempts, last_error, last_attempt_at, idempotency_key, student_ids FROM portal_deliveries WHERE event_id = $1',
      [eventId],
    )
  )[0];

describe('portal sync: a portal that is down gets the event after it returns', () => {
  const FIRST_RETRY_MS = 3000;
  let t: TestApp;
  let sink: HttpSink;
  let fam: Awaited<ReturnType<typeof makeClassWithFamily>>;
  let teacherToken: string;

  beforeAll(async () => {
    sink = await startHttpSink(() => 200, { port: await freePort(), listen: false }); // down: nothing listens yet
    t = await createTestApp({
      APP_ROLE: 'all',
      OUTBOX_POLL_MS: '50',
      PORTAL_SYNC_URL: `${sink.url}/portal/events`,
      PORTAL_SYNC_FIRST_RETRY_MS: String(FIRST_RETRY_MS),
      PORTAL_SYNC_ATTEMPTS: '5',
    });
    fam = await makeClassWithFamily(t.db);
    teacherToken = (await login(t, fam.teacher)).accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close().catch(() => undefined);
  });

  it('retries no sooner than the configured first delay and delivers once the portal is up', async () => {
    const oid = await linkEsiaAccount(t.db, fam.student.id);
    const eventId = await gradeFor(t, fam, teacherToken, fam.student.id, 5);
    const first = await waitFor(async () => {
      const d = await delivery(t, eventId);
      return d && d.attempts >= 1 ? d : null;
    }, 'first failed attempt');
    expect(first.status).toBe('pending');
    expect(first.last_error).toMatch(/^network: /);
    const firstAt = new Date(first.last_attempt_at).getTime();

    await sink.listen(); // the portal comes back
    const done = await waitFor(
      async () => {
        const d = await delivery(t, eventId);
        return d?.status === 'delivered' ? d : null;
      },
      'delivered',
      60_000,
      50,
    );
    expect(done.attempts).toBe(2);
    expect(sink.requests).toHaveLength(1);
    const waited = sink.requests[0].at - firstAt;

    console.log(`[measure] portal first retry came ${waited} ms after the failed attempt (configured ${FIRST_RETRY_MS} ms)`);
    expect(waited).toBeGreaterThanOrEqual(FIRST_RETRY_MS - 5);
    const req = sink.requests[0];
    expect(req.headers['idempotency-key']).toBe(done.idempotency_key);
    expect(done.idempotency_key).toMatch(/^diary-event:grade\.created:/);
    const body = JSON.parse(req.body.toString());
    expect(body).toMatchObject({
      eventId,
      type: 'grade.created',
      students: [{ studentId: fam.student.id, esiaOid: oid }],
      data: { value: 5, studentId: fam.student.id },
    });
  });

  it('sends nothing for a student without an ESIA link', async () => {
    const other = await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.Student], classId: fam.classId });
    const eventId = await gradeFor(t, fam, teacherToken, other.id, 3);
    const queue = t.app.get<Queue>(getQueueToken('portal-sync'), { strict: false });
    const jobId = await eventJobId(t, eventId);
    const job = await waitFor(async () => queue.getJob(jobId), 'portal job');
    expect(await job.finished()).toEqual({ result: 'skipped' });
    expect(await delivery(t, eventId)).toBeUndefined();
  });
});

describe('portal sync: parked after the last attempt, visible to admins, retried by an admin', () => {
  let t: TestApp;
  let sink: HttpSink;
  let fam: Awaited<ReturnType<typeof makeClassWithFamily>>;
  let teacherToken: string;
  let adminToken: string;

  beforeAll(async () => {
    sink = await startHttpSink(() => 500);
    process.env.PORT = String(await freePort());
    t = await createTestApp(
      {
        APP_ROLE: 'all',
        OUTBOX_POLL_MS: '50',
        PORT: process.env.PORT,
        PORTAL_SYNC_URL: `${sink.url}/portal/events`,
        PORTAL_SYNC_FIRST_RETRY_MS: '100',
        PORTAL_SYNC_ATTEMPTS: '2',
      },
      { listen: true },
    );
    fam = await makeClassWithFamily(t.db);
    await linkEsiaAccount(t.db, fam.student.id);
    teacherToken = (await login(t, fam.teacher)).accessToken;
    const admin = await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.SchoolAdmin] });
    adminToken = (await login(t, admin)).accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('parks a delivery as failed with the last error; the school admin sees it and retries it', async () => {
    const eventId = await gradeFor(t, fam, teacherToken, fam.student.id, 2);
    const failed = await waitFor(async () => {
      const d = await delivery(t, eventId);
      return d?.status === 'failed' ? d : null;
    }, 'parked as failed');
    expect(failed).toMatchObject({ attempts: 2, last_error: 'HTTP 500' });
    expect(sink.requests).toHaveLength(2);

    const list = await t.http.get('/api/v1/portal-sync/deliveries?status=failed').set(bearer(adminToken));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: failed.id, eventId, status: 'failed', attempts: 2, lastError: 'HTTP 500' }),
    ]);

    const otherSchool = await makeSchool(t.db);
    const otherAdmin = await makeUser(t.db, { schoolId: otherSchool.id, roles: [Role.SchoolAdmin] });
    const otherToken = (await login(t, otherAdmin)).accessToken;
    expect((await t.http.get('/api/v1/portal-sync/deliveries').set(bearer(otherToken))).body.items).toEqual([]);
    expect((await t.http.post(`/api/v1/portal-sync/deliveries/${failed.id}/retry`).set(bearer(otherToken))).status).toBe(404);
    expect((await t.http.get('/api/v1/portal-sync/deliveries').set(bearer(teacherToken))).status).toBe(403);
    expect((await t.http.get('/api/v1/portal-sync/deliveries?status=stuck').set(bearer(adminToken))).status).toBe(400);

    sink.respond = () => 200;
    const retried = await t.http.post(`/api/v1/portal-sync/deliveries/${failed.id}/retry`).set(bearer(adminToken));
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', manualRetries: 1 });
    await waitFor(async () => (await delivery(t, eventId))?.status === 'delivered', 'delivered after the retry');
    expect(new Set(sink.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect((await t.http.post(`/api/v1/portal-sync/deliveries/${failed.id}/retry`).set(bearer(adminToken))).status).toBe(409);
  });

  it('parks a permanent refusal (4xx) at once', async () => {
    sink.respond = () => 422;
    const eventId = await gradeFor(t, fam, teacherToken, fam.student.id, 3);
    const d = await waitFor(async () => {
      const x = await delivery(t, eventId);
      return x?.status === 'failed' ? x : null;
    }, 'failed');
    expect(d).toMatchObject({ attempts: 1, last_error: 'HTTP 422' });
  });

  it('the dev receiver applies each idempotency key once', async () => {
    const post = () =>
      fetch(`${t.baseUrl}/esia-emulator/portal/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' },
        body: JSON.stringify({ a: 1 }),
      });
    expect(await (await post()).json()).toEqual({ accepted: true, duplicate: false });
    expect(await (await post()).json()).toEqual({ accepted: true, duplicate: true });
    const got = (await (await fetch(`${t.baseUrl}/esia-emulator/portal/events`)).json()) as { items: Array<{ key: string }> };
    expect(got.items.filter((i) => i.key === 'k-1')).toHaveLength(1);
  });
});
