import { Role } from '../../src/common/auth/role';
import { bearer, HttpSink, login, makeClassWithFamily, makeUser, startHttpSink, startPeerApp, waitFor, webPushKeys } from '../factories';
import { pushTag } from '../../src/modules/notifications/push/push.types';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { FakeFcm, fakeFcmEnv, startFakeFcm } from '../utils/fake-fcm';
import { browserSubscriptionKeys } from '../utils/web-push-client';

jest.setTimeout(180_000);

interface SseEvent {
  id: string | null;
  event: string | null;
  data: string;
  at: number;
}

/** A minimal EventSource over fetch: collects parsed events until closed. */
async function openStream(baseUrl: string, token: string, o: { viaQuery?: boolean; lastEventId?: string } = {}) {
  const ctrl = new AbortController();
  const headers: Record<string, string> = {};
  if (!o.viaQuery) headers.Authorization = `Bearer ${token}`;
  if (o.lastEventId) headers['Last-Event-ID'] = o.lastEventId;
  const url = `${baseUrl}/api/v1/events/stream${o.viaQuery ? `?access_token=${encodeURIComponent(token)}` : ''}`;
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            ended = true;
            break;
          }
          buf += dec.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const e: SseEvent = { id: null, event: null, data: '', at: Date.now() };
            let isEvent = false;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments++;
              else if (line.startsWith('id: ')) [e.id, isEvent] = [line.slice(4), true];
              else if (line.startsWith('event: ')) [e.event, isEvent] = [line.slice(7), true];
              else if (line.startsWith('data: ')) [e.data, isEvent] = [e.data + line.slice(6), true];
            }
            if (isEvent && e.event) events.push(e);
          }
        }
      } catch {
        /* aborted */
      }
    })();
  }
  return { status: res.status, events, comments: () => comments, ended: () => ended, close: () => ctrl.abort() };
}

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('notifications: grade → parent (in-app, SSE, push)', () => {
  let t: TestApp;
  let fam: Awaited<ReturnType<typeof makeClassWithFamily>>;
  let teacherToken: string;
  let parentToken: string;
  let studentToken: string;

  const postGrade = async (value: number | string = 5, studentId = fam.student.id): Promise<{ id: string; savedAt: number }> => {
    const res = await t.http
      .post('/api/v1/grades')
      .set(bearer(teacherToken))
      .send({ classId: fam.classId, subjectId: fam.subjectId, date: yesterday(), studentId, value, workType: 'answer' });
    if (res.status !== 201) throw new Error(`grade refused: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, savedAt: Date.now() };
  };
  const notificationsOf = async (
    token: string,
    query = '',
  ): Promise<
    Array<{ id: string; kind: string; title: string; body: string; data: Record<string, string>; readAt: string | null; createdAt: string }>
  > => {
    const res = await t.http.get(`/api/v1/notifications${query}`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const forGrade = (gradeId: string) => async (token: string) => (await notificationsOf(token)).find((n) => n.data.gradeId === gradeId);

  let fcm: FakeFcm;

  beforeAll(async () => {
    process.env.PORT = String(await freePort());
    fcm = await startFakeFcm();
    t = await createTestApp(
      {
        APP_ROLE: 'all',
        PORT: process.env.PORT,
        OUTBOX_POLL_MS: '50',
        PUSH_BACKOFF_MS: '300',
        PUSH_ATTEMPTS: '4',
        SSE_HEARTBEAT_MS: '300',
        ...fakeFcmEnv(fcm),
      },
      { listen: true },
    );
    fam = await makeClassWithFamily(t.db);
    [teacherToken, parentToken, studentToken] = (
      await Promise.all([login(t, fam.teacher), login(t, fam.parent), login(t, fam.student)])
    ).map((x) => x.accessToken);
  });
  afterAll(async () => {
    await t?.close();
    await fcm?.close();
  });

  it('a grade reaches the parent and the student as an in-app notification and on the SSE stream (token in the query)', async () => {
    const stream = await openStream(t.baseUrl!, parentToken, { viaQuery: true });
    expect(stream.status).toBe(200);
    await waitFor(async () => stream.comments() > 0, 'stream opened');

    const g = await postGrade(5);
    const parentN = await waitFor(() => forGrade(g.id)(parentToken), 'parent notification');
    const visibleAfterMs = Date.now() - g.savedAt;
    expect(parentN).toMatchObject({ kind: 'grade', title: 'Новая оценка', body: 'Иван: Математика, оценка 5', readAt: null });
    expect(parentN.data).toMatchObject({ eventType: 'grade.created', studentId: fam.student.id, subjectId: fam.subjectId });
    const studentN = await waitFor(() => forGrade(g.id)(studentToken), 'student notification');
    expect(studentN.body).toBe('Математика, оценка 5');
    expect(await forGrade(g.id)(teacherToken)).toBeUndefined();

    const live = await waitFor(async () => stream.events.find((e) => e.id === parentN.id), 'SSE event');
    expect(live.event).toBe('notification');
    expect(JSON.parse(live.data)).toMatchObject({ id: parentN.id, kind: 'grade', body: 'Иван: Математика, оценка 5' });
    await waitFor(async () => stream.comments() > 2, 'heartbeats');
    stream.close();

    console.log(
      `[measure] grade saved → notification visible in the list: ${visibleAfterMs} ms; → on the SSE stream: ${live.at - g.savedAt} ms`,
    );
  });

  it('ends an open stream when its session is signed out, and only that one', async () => {
    const session = await login(t, fam.parent);
    const stream = await openStream(t.baseUrl!, session.accessToken);
    const other = await openStream(t.baseUrl!, parentToken);
    await waitFor(async () => stream.comments() > 1 && other.comments() > 1, 'both streams beating');
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await waitFor(async () => stream.ended(), 'the signed-out stream closed', 5_000);
    expect(stream.events.map((e) => e.event)).toContain('session-ended');
    const beats = other.comments();
    await waitFor(async () => other.comments() > beats + 1, 'the other session still streaming');
    expect(other.ended()).toBe(false);
    other.close();
  });

  it('ends an open stream when the account is blocked or its password reset (every session ended by an admin)', async () => {
    const admin = await login(t, await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.SchoolAdmin] }));
    const blocked = await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.Parent] });
    const reset = await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.Parent] });
    const streams = await Promise.all([blocked, reset].map(async (u) => openStream(t.baseUrl!, (await login(t, u)).accessToken)));
    await waitFor(async () => streams.every((st) => st.comments() > 1), 'both streams beating');

    await t.http.patch(`/api/v1/admin/users/${blocked.id}`).set(bearer(admin.accessToken)).send({ status: 'blocked' }).expect(200);
    await t.http
      .put(`/api/v1/admin/users/${reset.id}/password`)
      .set(bearer(admin.accessToken))
      .send({ password: 'Reset-2026-new' })
      .expect(204);

    for (const st of streams) {
      await waitFor(async () => st.ended(), 'the stream of an ended session closed', 5_000);
      expect(st.events.map((e) => e.event)).toContain('session-ended');
    }
  });

  it('counts, pages, marks read; another user cannot touch my notification', async () => {
    await postGrade(4);
    await postGrade(3);
    await waitFor(async () => (await notificationsOf(parentToken)).length >= 3, 'three notifications');
    const count = await t.http.get('/api/v1/notifications/unread-count').set(bearer(parentToken));
    expect(count.body.unread).toBeGreaterThanOrEqual(3);

    const page1 = await t.http.get('/api/v1/notifications?limit=2').set(bearer(parentToken));
    expect(page1.body.items).toHaveLength(2);
    expect(Number(page1.body.items[0].id)).toBeGreaterThan(Number(page1.body.items[1].id));
    const page2 = await t.http.get(`/api/v1/notifications?limit=2&cursor=${page1.body.nextCursor}`).set(bearer(parentToken));
    expect(Number(page2.body.items[0].id)).toBeLessThan(Number(page1.body.items[1].id));

    const target = page1.body.items[0].id;
    expect((await t.http.post(`/api/v1/notifications/${target}/read`).set(bearer(studentToken))).status).toBe(404);
    expect((await t.http.post('/api/v1/notifications/abc/read').set(bearer(parentToken))).status).toBe(404);
    const read = await t.http.post(`/api/v1/notifications/${target}/read`).set(bearer(parentToken));
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const unread = await notificationsOf(parentToken, '?unread=true');
    expect(unread.map((n) => n.id)).not.toContain(target);

    const all = await t.http.post('/api/v1/notifications/read-all').set(bearer(parentToken)).send({});
    expect(all.status).toBe(200);
    expect((await t.http.get('/api/v1/notifications/unread-count').set(bearer(parentToken))).body.unread).toBe(0);

    expect((await t.http.get('/api/v1/notifications?limit=0').set(bearer(parentToken))).status).toBe(400);
    expect((await t.http.get('/api/v1/notifications?cursor=x').set(bearer(parentToken))).status).toBe(400);
    expect((await t.http.get('/api/v1/events/stream')).status).toBe(401);
    expect((await t.http.get('/api/v1/events/stream?access_token=nonsense')).status).toBe(401);
  });

  it('respects preferences: a muted kind makes no notification for that user', async () => {
    const off = await t.http
      .patch('/api/v1/notifications/preferences')
      .set(bearer(studentToken))
      .send({ channels: { grade: 'off' } });
    expect(off.status).toBe(200);
    expect(off.body.channels).toMatchObject({ grade: 'off', homework: 'push' });
    expect(
      (
        await t.http
          .patch('/api/v1/notifications/preferences')
          .set(bearer(studentToken))
          .send({ channels: { grade: 'loud' } })
      ).status,
    ).toBe(400);
    const g = await postGrade(2);
    await waitFor(() => forGrade(g.id)(parentToken), 'parent notification');
    expect(await forGrade(g.id)(studentToken)).toBeUndefined();
    await t.http
      .patch('/api/v1/notifications/preferences')
      .set(bearer(studentToken))
      .send({ channels: { grade: 'push' } });
  });

  describe('Web Push', () => {
    let sink: HttpSink;
    beforeAll(async () => {
      sink = await startHttpSink();
    });
    afterAll(() => sink.close());

    const subscribe = async (token: string, path: string) => {
      const res = await t.http
        .post('/api/v1/notifications/devices/web-push')
        .set(bearer(token))
        .send({ endpoint: `${sink.url}${path}`, keys: webPushKeys() });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    it('a push endpoint that fails twice then succeeds gets exactly one delivery', async () => {
      const key = await t.http.get('/api/v1/notifications/web-push/public-key').set(bearer(parentToken));
      expect(key.body.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
      const path = '/push/flaky';
      let calls = 0;
      sink.respond = (r) => (r.path === path ? (++calls <= 2 ? (calls === 1 ? 500 : 503) : 201) : 201);
      await subscribe(parentToken, path);

      const g = await postGrade(5);
      const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
      const delivery = await waitFor(async () => {
        const [d] = await t.db.query(`SELECT status, attempts FROM push_deliveries WHERE notification_id = $1`, [n.id]);
        return d?.status === 'sent' ? d : null;
      }, 'push delivered');
      expect(delivery.attempts).toBe(3);
      const got = sink.requests.filter((r) => r.path === path);
      expect(got).toHaveLength(3);
      // the real Web Push protocol: encrypted body, VAPID authorization, one topic for every send of this notification
      expect(got[2].headers['content-encoding']).toBe('aes128gcm');
      expect(String(got[2].headers.authorization)).toMatch(/^vapid t=.+, k=.+$/);
      expect(got.map((r) => r.headers.topic)).toEqual(Array(3).fill(pushTag(n.id, n.createdAt)));
      expect(got[2].headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(got[2].body.length).toBeGreaterThan(100);
      // a second run of the finished job sends nothing
      const { PushDeliveryService } = await import('../../src/modules/notifications/push/push-delivery.service');
      const [{ id: deliveryId }] = await t.db.query('SELECT id FROM push_deliveries WHERE notification_id = $1', [n.id]);
      expect(await t.app.get(PushDeliveryService).deliverPush(String(deliveryId), false)).toEqual({ result: 'done-before' });
      expect(sink.requests.filter((r) => r.path === path)).toHaveLength(3);
      await t.db.query('DELETE FROM push_devices WHERE user_id = $1', [fam.parent.id]);
    });

    it('a 410 removes the subscription', async () => {
      const path = '/push/gone';
      sink.respond = (r) => (r.path === path ? 410 : 201);
      const deviceId = await subscribe(parentToken, path);
      expect((await t.http.get('/api/v1/notifications/devices').set(bearer(parentToken))).body.map((d: { id: string }) => d.id)).toContain(
        deviceId,
      );
      await postGrade(4);
      await waitFor(async () => sink.requests.some((r) => r.path === path), 'push attempt');
      await waitFor(async () => (await t.db.query('SELECT 1 FROM push_devices WHERE id = $1', [deviceId])).length === 0, 'device removed');
      expect((await t.http.get('/api/v1/notifications/devices').set(bearer(parentToken))).body).toEqual([]);
      expect(sink.requests.filter((r) => r.path === path)).toHaveLength(1);
    });

    it("mobile push: FCM HTTP v1 with the service account's OAuth token (a 401 refreshes it); 404 UNREGISTERED removes the device", async () => {
      const token = 'fcm-token-parent-0123456789';
      const reg = await t.http.post('/api/v1/notifications/devices/mobile').set(bearer(parentToken)).send({ token, platform: 'android' });
      expect(reg.status).toBe(201);
      // the token the app holds is refused (expired early): one refresh, one more try, delivered
      let refused: string | null = null;
      fcm.respond = (r) => ((refused ??= String(r.token)) === String(r.token) ? 401 : 200);
      const g = await postGrade(5);
      const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
      const sent = await waitFor(async () => {
        const [d] = await t.db.query(`SELECT status, attempts FROM push_deliveries WHERE notification_id = $1`, [n.id]);
        return d?.status === 'sent' ? d : null;
      }, 'mobile push delivered');
      expect(sent.attempts).toBe(1);
      const reqs = fcm.sends.filter((r) => r.message.data?.notificationId === n.id);
      expect(reqs).toHaveLength(2);
      expect(reqs[0].token).toBe(refused);
      expect(reqs[1].token).toMatch(/^token-\d+$/);
      expect(reqs[1].token).not.toBe(refused);
      expect(reqs.at(-1)!.message).toMatchObject({
        token,
        notification: { title: 'Новая оценка', body: 'Иван: Математика, оценка 5' },
        data: { kind: 'grade', gradeId: g.id },
      });
      expect(reqs.at(-1)!.message.android.collapse_key).toBe(pushTag(n.id, n.createdAt));

      fcm.respond = () => 404;
      await postGrade(4);
      await waitFor(
        async () => (await t.db.query('SELECT 1 FROM push_devices WHERE id = $1', [reg.body.id])).length === 0,
        'token removed',
      );
      fcm.respond = () => 200;
    });

    it('registers, validates and removes devices', async () => {
      const bad = await t.http
        .post('/api/v1/notifications/devices/web-push')
        .set(bearer(parentToken))
        .send({ endpoint: 'ftp://x', keys: webPushKeys() });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_PUSH_ENDPOINT');
      expect(
        (
          await t.http
            .post('/api/v1/notifications/devices/web-push')
            .set(bearer(parentToken))
            .send({ endpoint: `${sink.url}/x`, keys: { p256dh: 'x', auth: 'y' } })
        ).status,
      ).toBe(400);
      const mobile = await t.http
        .post('/api/v1/notifications/devices/mobile')
        .set(bearer(parentToken))
        .send({ token: 'fcm-token-0123456789abcdef', platform: 'android' });
      expect(mobile.status).toBe(201);
      expect(mobile.body).toMatchObject({ kind: 'mobile', platform: 'android', label: 'abcdef' });
      expect((await t.http.delete(`/api/v1/notifications/devices/${mobile.body.id}`).set(bearer(studentToken))).status).toBe(404);
      expect((await t.http.delete(`/api/v1/notifications/devices/${mobile.body.id}`).set(bearer(parentToken))).status).toBe(204);
      const web = await subscribe(parentToken, '/push/bye');
      expect(
        (
          await t.http
            .post('/api/v1/notifications/devices/web-push/unsubscribe')
            .set(bearer(parentToken))
            .send({ endpoint: `${sink.url}/push/bye` })
        ).status,
      ).toBe(204);
      expect((await t.db.query('SELECT 1 FROM push_devices WHERE id = $1', [web])).length).toBe(0);
    });

    it('marks a push sending (committed) before calling the push service; the run after a crash sends it once more, with the same Topic', async () => {
      const path = '/push/crash';
      sink.respond = () => 201;
      await subscribe(parentToken, path);
      const { WebPushSender } = await import('../../src/modules/notifications/push/web-push.sender');
      const { PushDeliveryService } = await import('../../src/modules/notifications/push/push-delivery.service');
      const sender = t.app.get(WebPushSender);
      const real = sender.send.bind(sender);
      const statusAtSend: string[] = [];
      const spy = jest.spyOn(sender, 'send').mockImplementation(async (target, m) => {
        if (!target.endpoint.endsWith(path)) return real(target, m);
        // read on another connection: only a committed mark is visible here
        const [row] = await t.db.query(
          'SELECT pd.status FROM push_deliveries pd JOIN push_devices d ON d.id = pd.device_id WHERE d.address = $1 AND pd.notification_id = $2',
          [target.endpoint, m.id],
        );
        statusAtSend.push(row.status);
        const out = await real(target, m);
        // the first time the worker "dies" after the push left and before it recorded the answer
        if (statusAtSend.length === 1) throw new Error('worker killed mid-send');
        return out;
      });
      try {
        const g = await postGrade(3);
        const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
        const d = await waitFor(async () => {
          const [row] = await t.db.query(
            `SELECT pd.id, pd.status, pd.attempts FROM push_deliveries pd JOIN push_devices x ON x.id = pd.device_id WHERE pd.notification_id = $1 AND x.address LIKE $2`,
            [n.id, `%${path}`],
          );
          return row?.status === 'sent' ? row : null;
        }, 'sent after the crash');
        expect(statusAtSend).toEqual(['sending', 'sending']);
        expect(d.attempts).toBe(2);
        const got = sink.requests.filter((r) => r.path === path);
        expect(got).toHaveLength(2);
        expect(got.map((r) => r.headers.topic)).toEqual([pushTag(n.id, n.createdAt), pushTag(n.id, n.createdAt)]);
        expect(await t.app.get(PushDeliveryService).deliverPush(String(d.id), false)).toEqual({ result: 'done-before' });
        expect(sink.requests.filter((r) => r.path === path)).toHaveLength(2);
      } finally {
        spy.mockRestore();
        await t.db.query('DELETE FROM push_devices WHERE user_id = $1', [fam.parent.id]);
      }
    });

    it('a push left sending by a job that will not run again is swept back after 10 minutes and sent once more with the same Topic; one tried too often is given up', async () => {
      const path = '/push/stalled';
      sink.respond = () => 201;
      await subscribe(parentToken, path);
      const { getQueueToken } = await import('@nestjs/bull');
      const { JobKeys } = await import('../../src/core/queue/job-ids');
      const { QueueProducer } = await import('../../src/core/queue/queue-producer.service');
      const { WebPushSender } = await import('../../src/modules/notifications/push/web-push.sender');
      const { PushDeliveryService } = await import('../../src/modules/notifications/push/push-delivery.service');
      const sweep = () => t.app.get(PushDeliveryService).sweepStalled();
      const nothing = { added: 0, retried: 0, queued: 0, givenUp: 0 };
      const sender = t.app.get(WebPushSender);
      const real = sender.send.bind(sender);
      let dying = true;
      // every attempt of the job "dies" after the push left: Bull uses up its attempts, the row stays 'sending'
      const spy = jest.spyOn(sender, 'send').mockImplementation(async (target, m) => {
        const out = await real(target, m);
        if (dying && target.endpoint.endsWith(path)) throw new Error('worker killed mid-send');
        return out;
      });
      try {
        const g = await postGrade(4);
        const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
        const row = async (): Promise<
          { id: string; status: string; attempts: number; at: string; last_error: string | null } | undefined
        > =>
          (
            await t.db.query(
              `SELECT pd.id, pd.status, pd.attempts, pd.last_error, (extract(epoch FROM pd.created_at) * 1000000)::bigint::text AS at
                 FROM push_deliveries pd JOIN push_devices x ON x.id = pd.device_id WHERE pd.notification_id = $1 AND x.address LIKE $2`,
              [n.id, `%${path}`],
            )
          )[0];
        const queue = t.app.get(getQueueToken('push'), { strict: false });
        const first = await waitFor(() => row(), 'delivery row');
        const jobId = await t.app.get(QueueProducer).jobId(JobKeys.push({ id: String(first.id), at: first.at }));
        await waitFor(async () => (await (await queue.getJob(jobId))?.isFailed()) === true, 'job failed');
        expect(await row()).toMatchObject({ status: 'sending', attempts: 4 });
        const pushes = () => sink.requests.filter((r) => r.path === path);
        expect(pushes()).toHaveLength(4);
        const stall = (attempts?: number) =>
          t.db.query(
            `UPDATE push_deliveries SET status = 'sending', sending_at = now() - interval '11 minutes', attempts = COALESCE($2, attempts) WHERE id = $1`,
            [first.id, attempts ?? null],
          );

        // sending for less than 10 minutes: left alone
        expect(await sweep()).toEqual(nothing);
        dying = false;
        // Bull still holds the job, failed: it is retried once more (as its last attempt)
        await stall();
        expect(await sweep()).toEqual({ ...nothing, retried: 1 });
        await waitFor(async () => (await row())?.status === 'sent', 'sent after the sweep');
        expect((await row())?.attempts).toBe(5);
        expect(pushes()).toHaveLength(5);
        expect(await sweep()).toEqual(nothing);

        // Bull lost the job (Redis emptied): it is added again under the same id
        await (await queue.getJob(jobId))?.remove();
        await stall();
        expect(await sweep()).toEqual({ ...nothing, added: 1 });
        await waitFor(async () => (await row())?.status === 'sent', 'sent after the second sweep');
        expect(pushes()).toHaveLength(6);
        // every copy carries the same Topic: the device shows one
        expect(new Set(pushes().map((r) => r.headers.topic))).toEqual(new Set([pushTag(n.id, n.createdAt)]));

        // interrupted PUSH_ATTEMPTS + 3 times: given up, not sent again
        await stall(7);
        expect(await sweep()).toEqual({ ...nothing, givenUp: 1 });
        expect(await row()).toMatchObject({ status: 'failed', last_error: 'interrupted while sending 7 times' });
        expect(pushes()).toHaveLength(6);
      } finally {
        spy.mockRestore();
        await t.db.query('DELETE FROM push_devices WHERE user_id = $1', [fam.parent.id]);
      }
    });

    it('a Web Push subscription registered by another user moves only after the browser proves it holds it', async () => {
      sink.respond = () => 201;
      const path = '/push/shared-browser';
      const endpoint = `${sink.url}${path}`;
      const browser = browserSubscriptionKeys();
      const keys = { p256dh: browser.p256dh, auth: browser.auth };
      const pushesTo = () => sink.requests.filter((r) => r.path === path);
      const devicesOf = async (token: string) =>
        (await t.http.get('/api/v1/notifications/devices').set(bearer(token))).body.map((d: { id: string }) => d.id);
      const clearThrottle = async () => {
        const k = await t.redis.keys(`${t.config.redisPrefix}:push-claim:address:*`);
        if (k.length) await t.redis.del(...k);
      };
      const own = await t.http.post('/api/v1/notifications/devices/web-push').set(bearer(parentToken)).send({ endpoint, keys });
      expect(own.status).toBe(201);

      // someone who learned only the endpoint: nothing moves, and the confirmation push is unreadable for the browser
      const stolen = await t.http
        .post('/api/v1/notifications/devices/web-push')
        .set(bearer(teacherToken))
        .send({ endpoint, keys: webPushKeys() });
      expect(stolen.status).toBe(202);
      expect(stolen.body).toEqual({ status: 'confirmation_sent', expiresInSec: 600 });
      expect(await devicesOf(parentToken)).toContain(own.body.id);
      expect(await devicesOf(teacherToken)).toEqual([]);
      expect(pushesTo()).toHaveLength(1);
      expect(() => browser.decrypt(pushesTo()[0].body)).toThrow();
      // one confirmation push per device a minute
      const again = await t.http.post('/api/v1/notifications/devices/web-push').set(bearer(studentToken)).send({ endpoint, keys });
      expect(again.status).toBe(429);
      expect(again.body.code).toBe('PUSH_CONFIRMATION_THROTTLED');
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
      const guessed = await t.http
        .post('/api/v1/notifications/devices/confirm')
        .set(bearer(teacherToken))
        .send({ code: 'A'.repeat(22) });
      expect(guessed.status).toBe(404);
      expect(guessed.body.code).toBe('DEVICE_CONFIRMATION_NOT_FOUND');

      // the same browser signed in as another user: it reads the code; only that user's session can use it
      await clearThrottle();
      expect((await t.http.post('/api/v1/notifications/devices/web-push').set(bearer(teacherToken)).send({ endpoint, keys })).status).toBe(
        202,
      );
      const first = JSON.parse(browser.decrypt(pushesTo()[1].body));
      expect(first.data).toMatchObject({ type: 'device-confirmation' });
      expect(pushesTo()[1].headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(
        (await t.http.post('/api/v1/notifications/devices/confirm').set(bearer(studentToken)).send({ code: first.data.code })).status,
      ).toBe(404);
      expect(
        (await t.http.post('/api/v1/notifications/devices/confirm').set(bearer(teacherToken)).send({ code: first.data.code })).status,
      ).toBe(404); // spent
      await clearThrottle();
      expect((await t.http.post('/api/v1/notifications/devices/web-push').set(bearer(teacherToken)).send({ endpoint, keys })).status).toBe(
        202,
      );
      const { code } = JSON.parse(browser.decrypt(pushesTo()[2].body)).data;
      const moved = await t.http.post('/api/v1/notifications/devices/confirm').set(bearer(teacherToken)).send({ code });
      expect(moved.status).toBe(201);
      expect(moved.body).toMatchObject({ kind: 'web_push', platform: 'web' });
      expect(await devicesOf(teacherToken)).toEqual([moved.body.id]);
      expect(await devicesOf(parentToken)).not.toContain(own.body.id);
      expect((await t.http.post('/api/v1/notifications/devices/confirm').set(bearer(teacherToken)).send({ code })).status).toBe(404);
      await t.db.query('DELETE FROM push_devices WHERE user_id = $1', [fam.teacher.id]);
      await clearThrottle();
    });

    it('a mobile token registered by another user moves only after the phone answers the silent confirmation push', async () => {
      fcm.respond = () => 200;
      const token = 'fcm-token-shared-phone-0123456789';
      const own = await t.http.post('/api/v1/notifications/devices/mobile').set(bearer(parentToken)).send({ token, platform: 'ios' });
      expect(own.status).toBe(201);
      const before = fcm.sends.length;
      const claim = await t.http.post('/api/v1/notifications/devices/mobile').set(bearer(studentToken)).send({ token, platform: 'ios' });
      expect(claim.status).toBe(202);
      const [push] = fcm.sends.slice(before);
      expect(push.message.token).toBe(token);
      expect(push.message.notification).toBeUndefined(); // data only: nothing shown on the phone
      expect(push.message.data).toMatchObject({ type: 'device-confirmation' });
      expect(push.message.apns.headers['apns-push-type']).toBe('background');
      const list = await t.http.get('/api/v1/notifications/devices').set(bearer(parentToken));
      expect(list.body.map((d: { id: string }) => d.id)).toContain(own.body.id);
      const moved = await t.http
        .post('/api/v1/notifications/devices/confirm')
        .set(bearer(studentToken))
        .send({ code: push.message.data.code });
      expect(moved.status).toBe(201);
      const [row] = await t.db.query(`SELECT user_id FROM push_devices WHERE kind = 'mobile' AND address = $1`, [token]);
      expect(row.user_id).toBe(fam.student.id);
      await t.db.query('DELETE FROM push_devices WHERE address = $1', [token]);
    });

    it('measures push-queue throughput (not asserted)', async () => {
      const N = 300;
      sink.respond = () => 201;
      const before = sink.requests.length;
      const keys = webPushKeys();
      await t.db.query(
        `INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform)
         SELECT $1, 'web_push', $2 || '/push/bulk/' || g, $3, $4, 'web' FROM generate_series(1, $5) g`,
        [fam.parent.id, sink.url, keys.p256dh, keys.auth, N],
      );
      const g = await postGrade(5);
      const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
      const queuedAt = Date.now();
      await waitFor(async () => sink.requests.length - before >= N, `${N} pushes`, 120_000, 50);
      const ms = Date.now() - queuedAt;
      const [{ sent }] = await t.db.query(
        `SELECT count(*)::int AS sent FROM push_deliveries WHERE notification_id = $1 AND status = 'sent'`,
        [n.id],
      );

      console.log(
        `[measure] push queue: ${N} Web Push deliveries (encrypt + VAPID + HTTP to a local endpoint) in ${ms} ms ≈ ${Math.round((N / ms) * 1000)}/s; rows marked sent: ${sent}`,
      );
      await waitFor(
        async () =>
          (await t.db.query(`SELECT count(*)::int AS n FROM push_deliveries WHERE notification_id = $1 AND status = 'sent'`, [n.id]))[0]
            .n === N,
        'all marked sent',
      );
      await t.db.query('DELETE FROM push_devices WHERE user_id = $1', [fam.parent.id]);
    });
  });

  it('makes one daily digest per user and day (a second run writes nothing)', async () => {
    const other = await makeUser(t.db, { schoolId: fam.schoolId, roles: [Role.Parent] });
    const otherToken = (await login(t, other)).accessToken;
    await t.http.patch('/api/v1/notifications/preferences').set(bearer(parentToken)).send({ dailyDigest: true });
    await t.http.patch('/api/v1/notifications/preferences').set(bearer(otherToken)).send({ dailyDigest: true });
    const g = await postGrade(5);
    await waitFor(() => forGrade(g.id)(parentToken), 'notification');
    const { DigestService } = await import('../../src/modules/notifications/digest.service');
    const { dateInZone } = await import('../../src/common/time/zoned-date');
    const svc = t.app.get(DigestService);
    const date = dateInZone(new Date(), 'Europe/Moscow');
    expect(await svc.digestUsers()).toEqual(expect.arrayContaining([fam.parent.id, other.id]));
    expect((await svc.makeDigest(fam.parent.id, date)).created).toBe(true);
    expect((await svc.makeDigest(fam.parent.id, date)).created).toBe(false);
    expect((await svc.makeDigest(other.id, date)).created).toBe(false); // nothing unread that day
    const digest = (await notificationsOf(parentToken)).find((n) => n.kind === 'digest');
    expect(digest?.title).toBe('Сводка за день');
    expect(digest?.body).toMatch(/^Непрочитанных уведомлений: \d+ \(оценки — \d+\)$/);
    await t.http.patch('/api/v1/notifications/preferences').set(bearer(parentToken)).send({ dailyDigest: false });
  });

  it('fans every kind of diary event out to the right people', async () => {
    const { OutboxService } = await import('../../src/modules/events/outbox.service');
    const outbox = t.app.get(OutboxService);
    const k = `${Date.now()}`;
    const ids = { lesson: '00000000-0000-4000-8000-00000000000a', hw: '00000000-0000-4000-8000-00000000000b' };
    const base = { schoolId: fam.schoolId, actorId: fam.teacher.id };
    await t.db.transaction((tx) =>
      outbox.recordMany(tx, [
        {
          ...base,
          type: 'attendance.marked',
          aggregateType: 'attendance',
          aggregateId: ids.lesson,
          idempotencyKey: `t-att:${k}`,
          payload: { studentId: fam.student.id, subjectId: fam.subjectId, status: 'absent', date: '2026-11-20' },
        },
        {
          ...base,
          type: 'attendance.marked',
          aggregateType: 'attendance',
          aggregateId: ids.lesson,
          idempotencyKey: `t-att-present:${k}`,
          payload: { studentId: fam.student.id, status: 'present' },
        },
        {
          ...base,
          type: 'homework.created',
          aggregateType: 'homework',
          aggregateId: ids.hw,
          idempotencyKey: `t-hw:${k}`,
          payload: { homeworkId: ids.hw, classId: fam.classId, subjectId: fam.subjectId, dueDate: '2026-11-30' },
        },
        {
          ...base,
          type: 'lesson.changed',
          aggregateType: 'lesson',
          aggregateId: ids.lesson,
          idempotencyKey: `t-lc:${k}`,
          payload: {
            lessonId: ids.lesson,
            classId: fam.classId,
            subjectId: fam.subjectId,
            kinds: ['room_changed'],
            after: { date: '2026-11-30' },
          },
        },
        {
          ...base,
          actorId: null,
          type: 'lesson.reminder',
          aggregateType: 'lesson',
          aggregateId: ids.lesson,
          idempotencyKey: `t-rem:${k}`,
          payload: { lessonId: ids.lesson, userIds: [fam.parent.id] },
        },
      ]),
    );
    const bodies = async (token: string, eventType: string) =>
      (await notificationsOf(token, '?limit=100')).filter((n) => n.data.eventType === eventType).map((n) => n.body);
    await waitFor(async () => (await bodies(parentToken, 'lesson.reminder')).length === 1, 'reminder');
    await waitFor(async () => (await bodies(studentToken, 'lesson.changed')).length === 1, 'lesson change');
    expect(await bodies(parentToken, 'attendance.marked')).toEqual(['Иван: отсутствие на уроке, Математика, 2026-11-20']);
    expect(await bodies(studentToken, 'attendance.marked')).toEqual([]);
    expect(await bodies(parentToken, 'homework.created')).toEqual(['Математика, срок: 2026-11-30']);
    expect(await bodies(studentToken, 'homework.created')).toEqual(['Математика, срок: 2026-11-30']);
    expect(await bodies(parentToken, 'lesson.changed')).toEqual(['Математика, 2026-11-30, смена кабинета']);
    expect(await bodies(studentToken, 'lesson.reminder')).toEqual([]);
    expect(await bodies(teacherToken, 'homework.created')).toEqual([]);
  });

  it('delivers on the SSE stream of another API instance (Redis pub/sub) and replays missed ones after Last-Event-ID', async () => {
    const peer = await startPeerApp(t, { APP_ROLE: 'api', PORT: String(await freePort()), SSE_HEARTBEAT_MS: '300' }, { listen: true });
    try {
      const stream = await openStream(peer.baseUrl!, parentToken);
      expect(stream.status).toBe(200);
      await waitFor(async () => stream.comments() > 0, 'stream opened');
      const g = await postGrade(3);
      const n = await waitFor(() => forGrade(g.id)(parentToken), 'notification');
      await waitFor(async () => stream.events.find((e) => e.id === n.id), 'event on the other instance');
      stream.close();

      // missed while disconnected: sent first on reconnect
      const g2 = await postGrade(2);
      const n2 = await waitFor(() => forGrade(g2.id)(parentToken), 'second notification');
      const again = await openStream(peer.baseUrl!, parentToken, { lastEventId: n.id });
      const replayed = await waitFor(async () => again.events.find((e) => e.id === n2.id), 'replayed event');
      expect(JSON.parse(replayed.data).body).toBe('Иван: Математика, оценка 2');
      again.close();
    } finally {
      await peer.close();
    }
  });
});
