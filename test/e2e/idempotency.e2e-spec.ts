import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { Role } from '../../src/common/auth/role';
import { idempotentAttempts } from '../../src/core/idempotency/idempotency-context';
import { IdempotencyStore } from '../../src/core/idempotency/idempotency.store';
import { canonicalJson } from '../../src/core/idempotency/request-fingerprint';
import { bearer, filesUnder, login, makeDiaryWorld, makeLesson, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;
const PDF = (n: number) => Buffer.from(`%PDF-1.4\n% ${n}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);
const uniq = () => randomBytes(4).toString('hex');
const count = async (t: TestApp, sql: string, params: unknown[] = []): Promise<number> => (await t.db.query(sql, params))[0].n;

/**
 * Idempotency-Key on every create a phone may retry (core/idempotency): for each route, a retry with the same key
 * replays the first answer and writes nothing, the same key with another body is refused (422), two concurrent
 * duplicates write once; multipart retries store no second file; and the reservation survives a process that dies
 * before or after its write (docs/architecture.md «Idempotency-Key»).
 */
describe('Idempotency-Key on creates', () => {
  let t: TestApp;
  let w: World;
  let storage: string;
  let lesson: { id: string };
  let groupId: string;
  let homeworkId: string;

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'diary-idem-'));
    t = await createTestApp({ STORAGE_DIR: storage });
    w = await makeDiaryWorld(t, { students: 3 });
    lesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-23',
    });
    groupId = (
      await t.http
        .post('/api/v1/messaging/conversations')
        .set(bearer(w.tokens.parent))
        .send({ title: 'Родители', memberIds: [w.teacherUser.id] })
        .expect(201)
    ).body.id;
    homeworkId = (
      await t.http
        .post('/api/v1/homework')
        .set(bearer(w.tokens.teacher))
        .send({ classId: w.cls.id, subjectId: w.subject.id, text: 'Повторить таблицу', dueDate: '2026-12-30' })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  interface JsonCase {
    name: string;
    path: () => string;
    token: () => string;
    /** The i-th valid body (the same for the same i). */
    body: (i: number) => Record<string, unknown>;
    /** Rows the route writes, counted. */
    rows: () => Promise<number>;
  }
  const suffix = uniq();
  const cases: JsonCase[] = [
    {
      name: 'POST /grades',
      path: () => '/api/v1/grades',
      token: () => w.tokens.teacher,
      body: (i) => ({ lessonId: lesson.id, studentId: w.students[i % 3].id, value: 1 + (i % 5), workType: 'answer' }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM grades'),
    },
    {
      name: 'POST /grades/batch',
      path: () => '/api/v1/grades/batch',
      token: () => w.tokens.teacher,
      body: (i) => ({ lessonId: lesson.id, grades: [{ studentId: w.students[i % 3].id, value: 1 + (i % 5), workType: 'control' }] }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM grades'),
    },
    {
      name: 'POST /homework',
      path: () => '/api/v1/homework',
      token: () => w.tokens.teacher,
      body: (i) => ({ classId: w.cls.id, subjectId: w.subject.id, text: `Задание ${i}`, dueDate: '2026-12-30' }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM homework'),
    },
    {
      name: 'POST /homework/:id/comments',
      path: () => `/api/v1/homework/${homeworkId}/comments`,
      token: () => w.tokens.parent,
      body: (i) => ({ body: `Комментарий ${i}` }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM homework_comments'),
    },
    {
      name: 'POST /messaging/conversations (group)',
      path: () => '/api/v1/messaging/conversations',
      token: () => w.tokens.parent,
      body: (i) => ({ title: `Группа ${i}`, memberIds: [w.teacherUser.id] }),
      rows: () => count(t, "SELECT count(*)::int AS n FROM conversations WHERE kind = 'group'"),
    },
    {
      name: 'POST /messaging/conversations/:id/messages',
      path: () => `/api/v1/messaging/conversations/${groupId}/messages`,
      token: () => w.tokens.parent,
      body: (i) => ({ body: `Сообщение ${i}` }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM messages'),
    },
    {
      name: 'POST /messaging/announcements',
      path: () => '/api/v1/messaging/announcements',
      token: () => w.tokens.admin,
      body: (i) => ({ audience: 'school', title: `Собрание ${i}`, body: 'В пятницу в 18:00' }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM announcements'),
    },
    {
      name: 'POST /schedule/lessons',
      path: () => '/api/v1/schedule/lessons',
      token: () => w.tokens.admin,
      body: (i) => ({
        classId: w.cls.id,
        subjectId: w.subject.id,
        teacherId: w.teacherUser.id,
        date: `2026-10-${String(10 + i).padStart(2, '0')}`,
        startTime: '12:00',
        endTime: '12:45',
      }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM lessons'),
    },
    {
      name: 'POST /schedule/lessons/term-pattern',
      path: () => '/api/v1/schedule/lessons/term-pattern',
      token: () => w.tokens.admin,
      body: (i) => ({
        classId: w.cls.id,
        from: `2027-0${i}-01`,
        to: `2027-0${i}-07`,
        items: [{ weekday: 2, startTime: '14:00', endTime: '14:45', subjectId: w.subject.id, teacherId: w.teacherUser.id }],
      }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM lessons'),
    },
    {
      name: 'POST /admin/users',
      path: () => '/api/v1/admin/users',
      token: () => w.tokens.admin,
      body: (i) => ({
        login: `idem.${i}.${suffix}`,
        password: 'Start-2026!',
        lastName: 'Ёлкина',
        firstName: 'Анна',
        birthDate: '2017-03-01',
        roles: ['student'],
        schoolId: w.school.id,
        classId: w.cls.id,
      }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM users'),
    },
    {
      name: 'POST /admin/classes',
      path: () => '/api/v1/admin/classes',
      token: () => w.tokens.admin,
      body: (i) => ({ schoolId: w.school.id, name: `${i}Я`, academicYear: 2026 }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM classes'),
    },
    {
      name: 'POST /admin/subjects',
      path: () => '/api/v1/admin/subjects',
      token: () => w.tokens.admin,
      body: (i) => ({ schoolId: w.school.id, name: `Предмет ${i} ${suffix}` }),
      rows: () => count(t, 'SELECT count(*)::int AS n FROM subjects'),
    },
  ];
  const post = (path: string, token: string, key: string): Test => t.http.post(path).set(bearer(token)).set('Idempotency-Key', key);

  it.each(cases)(
    '$name: a retry replays the first answer and writes nothing; another body → 422; concurrent duplicates write once',
    async (c) => {
      const key = `retry-${uniq()}-0001`;
      const before = await c.rows();
      const first = await post(c.path(), c.token(), key).send(c.body(1));
      expect(first.status).toBeGreaterThanOrEqual(200);
      expect(first.status).toBeLessThan(300);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const written = (await c.rows()) - before;
      expect(written).toBeGreaterThan(0);

      const again = await post(c.path(), c.token(), key).send(c.body(1));
      expect(again.status).toBe(first.status);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await c.rows()).toBe(before + written);

      const other = await post(c.path(), c.token(), key).send(c.body(2));
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await c.rows()).toBe(before + written);

      const key2 = `concurrent-${uniq()}-0002`;
      const [a, b] = await Promise.all([post(c.path(), c.token(), key2).send(c.body(3)), post(c.path(), c.token(), key2).send(c.body(3))]);
      expect([a.status, b.status]).toEqual([first.status, first.status]);
      expect(a.body).toEqual(b.body);
      expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
      expect(await c.rows()).toBe(before + 2 * written);
    },
  );

  it('refuses a malformed key, and the same key on another route', async () => {
    const bad = await post('/api/v1/homework', w.tokens.teacher, 'short').send(cases[2].body(9));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
    const key = `cross-${uniq()}-01`;
    await post(`/api/v1/messaging/conversations/${groupId}/messages`, w.tokens.teacher, key).send({ body: 'Добрый день' }).expect(201);
    const elsewhere = await post(`/api/v1/homework/${homeworkId}/comments`, w.tokens.teacher, key).send({
      body: 'Добрый день',
      studentId: w.students[0].id,
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // keys are per user: another user's request with the same key is their own
    await post(`/api/v1/messaging/conversations/${groupId}/messages`, w.tokens.parent, key).send({ body: 'Добрый день' }).expect(201);
  });

  it('frees the key of a request that failed, so a corrected retry runs', async () => {
    const key = `failed-${uniq()}-01`;
    const before = await count(t, 'SELECT count(*)::int AS n FROM homework');
    const invalid = await post('/api/v1/homework', w.tokens.teacher, key).send({
      classId: w.cls.id,
      subjectId: w.subject.id,
      text: 'x',
      dueDate: 'завтра',
    });
    expect(invalid.status).toBe(400);
    expect(await count(t, 'SELECT count(*)::int AS n FROM idempotent_requests WHERE key = $1', [key])).toBe(0);
    await post('/api/v1/homework', w.tokens.teacher, key)
      .send({ classId: w.cls.id, subjectId: w.subject.id, text: 'x', dueDate: '2026-12-30' })
      .expect(201);
    expect(await count(t, 'SELECT count(*)::int AS n FROM homework')).toBe(before + 1);
  });

  it('stores the answer encrypted, bound to its user and key', async () => {
    const key = `sealed-${uniq()}-01`;
    await post(`/api/v1/messaging/conversations/${groupId}/messages`, w.tokens.parent, key)
      .send({ body: 'Секретный текст сообщения' })
      .expect(201);
    const [row] = await t.db.query('SELECT answer, response, request_hash, status_code FROM idempotent_requests WHERE key = $1', [key]);
    expect(row.response).toBeNull();
    expect(row.status_code).toBe(201);
    expect(Buffer.from(row.answer).toString('utf8')).not.toContain('Секретный');
    expect(Buffer.from(row.answer).toString('latin1')).not.toContain(Buffer.from('Секретный').toString('latin1'));
    expect(row.request_hash).not.toBe(
      createHash('sha256')
        .update(canonicalJson({ body: 'Секретный текст сообщения' }))
        .digest('hex'),
    );
  });

  it('replays a key stored before the move (legacy body hash, plain answer)', async () => {
    const body = { lessonId: lesson.id, studentId: w.students[0].id, value: 4, workType: 'answer' };
    const key = `legacy-${uniq()}-01`;
    const legacyAnswer = { id: randomUUID(), value: 4, note: 'stored by the old grades code' };
    await t.db.query(
      `INSERT INTO idempotent_requests (user_id, key, request_method, request_path, request_hash, status_code, response, committed_at, completed_at)
       VALUES ($1, $2, 'POST', '/api/v1/grades', $3, 201, $4, now(), now())`,
      [w.teacherUser.id, key, `legacy:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`, JSON.stringify(legacyAnswer)],
    );
    const before = await count(t, 'SELECT count(*)::int AS n FROM grades');
    const res = await post('/api/v1/grades', w.tokens.teacher, key).send(body).expect(201);
    expect(res.body).toEqual(legacyAnswer);
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(await count(t, 'SELECT count(*)::int AS n FROM grades')).toBe(before);
    expect((await post('/api/v1/grades', w.tokens.teacher, key).send({ ...body, value: 5 })).status).toBe(422);
  });

  describe('when the process holding a key dies', () => {
    const homeworkBody = (text: string) => ({ classId: w.cls.id, subjectId: w.subject.id, text, dueDate: '2026-12-30' });
    const reserve = (key: string, o: { leaseSec: number; committed: boolean }) =>
      t.db.query(
        `INSERT INTO idempotent_requests (user_id, key, request_method, request_path, owner, lease_until, committed_at)
         VALUES ($1, $2, 'POST', '/api/v1/homework', $3, now() + make_interval(secs => $4), CASE WHEN $5 THEN now() END)`,
        [w.teacherUser.id, key, randomUUID(), o.leaseSec, o.committed],
      );
    const homeworkCount = () => count(t, 'SELECT count(*)::int AS n FROM homework');

    it('a duplicate of a request still in flight waits, then gets 409 with Retry-After and writes nothing', async () => {
      const key = `inflight-${uniq()}-01`;
      await reserve(key, { leaseSec: 60, committed: false });
      const before = await homeworkCount();
      const res = await post('/api/v1/homework', w.tokens.teacher, key).send(homeworkBody('в полёте'));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(await homeworkCount()).toBe(before);
    });

    it('before its write committed: once the lease is over, a retry takes the key over and writes once', async () => {
      const key = `died-before-${uniq()}-01`;
      await reserve(key, { leaseSec: -1, committed: false });
      const before = await homeworkCount();
      const res = await post('/api/v1/homework', w.tokens.teacher, key).send(homeworkBody('после сбоя'));
      expect(res.status).toBe(201);
      expect(await homeworkCount()).toBe(before + 1);
      const again = await post('/api/v1/homework', w.tokens.teacher, key).send(homeworkBody('после сбоя')).expect(201);
      expect(again.body).toEqual(res.body);
      expect(await homeworkCount()).toBe(before + 1);
    });

    it('after its write committed but before the answer was stored: a retry writes nothing and learns the answer is lost', async () => {
      const key = `died-after-${uniq()}-01`;
      await reserve(key, { leaseSec: -1, committed: true });
      const before = await homeworkCount();
      const res = await post('/api/v1/homework', w.tokens.teacher, key).send(homeworkBody('после записи'));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('IDEMPOTENCY_ANSWER_LOST');
      expect(await homeworkCount()).toBe(before);
    });

    it('an attempt whose key was taken over cannot commit its write (the fence rolls it back)', async () => {
      const store = t.app.get(IdempotencyStore);
      const key = `fenced-${uniq()}-01`;
      const r = await store.reserve({ userId: w.teacherUser.id, key, method: 'POST', path: '/api/v1/homework' }, 'h', () => true);
      if (r.kind !== 'run') throw new Error('expected a fresh reservation');
      const marker = `fenced-${uniq()}`;
      // meanwhile the lease ran out and another attempt took the key
      await t.db.query('UPDATE idempotent_requests SET owner = $3 WHERE user_id = $1 AND key = $2', [w.teacherUser.id, key, randomUUID()]);
      const write = idempotentAttempts.run(r.attempt, () =>
        t.db.transaction((tx) =>
          tx.query('INSERT INTO homework_comments (homework_id, student_id, author_id, body) VALUES ($1, $2, $3, $4)', [
            homeworkId,
            w.students[0].id,
            w.teacherUser.id,
            marker,
          ]),
        ),
      );
      await expect(write).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' });
      expect(r.attempt.committed).toBe(false);
      expect(await count(t, 'SELECT count(*)::int AS n FROM homework_comments WHERE body = $1', [marker])).toBe(0);
      // the owner's own commit is marked in the same transaction
      await t.db.query('UPDATE idempotent_requests SET owner = $3 WHERE user_id = $1 AND key = $2', [
        w.teacherUser.id,
        key,
        r.attempt.owner,
      ]);
      await idempotentAttempts.run(r.attempt, () =>
        t.db.transaction((tx) =>
          tx.query('INSERT INTO homework_comments (homework_id, student_id, author_id, body) VALUES ($1, $2, $3, $4)', [
            homeworkId,
            w.students[0].id,
            w.teacherUser.id,
            marker,
          ]),
        ),
      );
      expect(r.attempt.committed).toBe(true);
      expect((await t.db.query('SELECT committed_at FROM idempotent_requests WHERE key = $1', [key]))[0].committed_at).not.toBeNull();
    });
  });

  describe('multipart creates', () => {
    const newHomework = async (): Promise<string> =>
      (
        await t.http
          .post('/api/v1/homework')
          .set(bearer(w.tokens.teacher))
          .send({ classId: w.cls.id, subjectId: w.subject.id, text: `С файлом ${uniq()}`, dueDate: '2026-12-30' })
          .expect(201)
      ).body.id;
    const submit = (hid: string, key: string, file: Buffer, text = 'Мой ответ'): Test =>
      post(`/api/v1/homework/${hid}/submissions`, w.tokens.student, key)
        .field('text', text)
        .attach('files', file, { filename: 'ответ.pdf', contentType: 'application/pdf' });
    const submissions = (hid: string) => count(t, 'SELECT count(*)::int AS n FROM homework_submissions WHERE homework_id = $1', [hid]);
    const filesOf = (hid: string) =>
      count(
        t,
        'SELECT count(*)::int AS n FROM homework_files f JOIN homework_submissions s ON s.id = f.submission_id WHERE s.homework_id = $1',
        [hid],
      );

    it('a retried submission with a file: one submission, one file on disk, the first answer', async () => {
      const hid = await newHomework();
      const key = `submit-${uniq()}-01`;
      const onDisk = (await filesUnder(storage)).length;
      const first = await submit(hid, key, PDF(1)).expect(201);
      expect(first.body.files).toHaveLength(1);
      const again = await submit(hid, key, PDF(1));
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await submissions(hid)).toBe(1);
      expect(await filesOf(hid)).toBe(1);
      expect((await filesUnder(storage)).length).toBe(onDisk + 1);

      // the same key with another file, or other text: refused, and nothing of it stays on disk
      expect((await submit(hid, key, PDF(2))).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await submit(hid, key, PDF(1), 'Другой ответ')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await filesUnder(storage)).length).toBe(onDisk + 1);
      // without the key the retry is what it always was: refused as a second submission
      expect((await t.http.post(`/api/v1/homework/${hid}/submissions`).set(bearer(w.tokens.student)).field('text', 'x')).body.code).toBe(
        'HOMEWORK_ALREADY_SUBMITTED',
      );
    });

    it('concurrent duplicate submissions: one submission, one file', async () => {
      const hid = await newHomework();
      const key = `submit-both-${uniq()}-01`;
      const onDisk = (await filesUnder(storage)).length;
      const [a, b] = await Promise.all([submit(hid, key, PDF(3)), submit(hid, key, PDF(3))]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body).toEqual(b.body);
      expect(await submissions(hid)).toBe(1);
      expect(await filesOf(hid)).toBe(1);
      expect((await filesUnder(storage)).length).toBe(onDisk + 1);
    });

    it('homework attachments and messages with files: a retry stores nothing new', async () => {
      const hid = await newHomework();
      const attach = (key: string) =>
        post(`/api/v1/homework/${hid}/attachments`, w.tokens.teacher, key).attach('files', PDF(4), {
          filename: 'условие.pdf',
          contentType: 'application/pdf',
        });
      const sendFile = (key: string) =>
        post(`/api/v1/messaging/conversations/${groupId}/messages/files`, w.tokens.parent, key)
          .field('body', 'Справка')
          .attach('files', PDF(5), { filename: 'справка.pdf', contentType: 'application/pdf' });
      const onDisk = (await filesUnder(storage)).length;
      const attachKey = `attach-${uniq()}-01`;
      const sendKey = `send-file-${uniq()}-01`;
      const a1 = await attach(attachKey).expect(201);
      const a2 = await attach(attachKey).expect(201);
      expect(a2.body).toEqual(a1.body);
      expect(a2.headers['idempotent-replayed']).toBe('true');
      expect(await count(t, 'SELECT count(*)::int AS n FROM homework_files WHERE homework_id = $1', [hid])).toBe(1);
      const messagesBefore = await count(t, 'SELECT count(*)::int AS n FROM messages');
      const m1 = await sendFile(sendKey).expect(201);
      const m2 = await sendFile(sendKey).expect(201);
      expect(m2.body).toEqual(m1.body);
      expect(await count(t, 'SELECT count(*)::int AS n FROM messages')).toBe(messagesBefore + 1);
      expect((await filesUnder(storage)).length).toBe(onDisk + 2);
    });
  });

  describe('creates that are idempotent by nature (no key needed)', () => {
    it('opening the direct conversation twice, even at once, gives one conversation', async () => {
      const [a, b] = await Promise.all([
        t.http.post('/api/v1/messaging/conversations/direct').set(bearer(w.tokens.parent)).send({ userId: w.teacherUser.id }),
        t.http.post('/api/v1/messaging/conversations/direct').set(bearer(w.tokens.parent)).send({ userId: w.teacherUser.id }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.id).toBe(b.body.id);
      expect(await count(t, "SELECT count(*)::int AS n FROM conversations WHERE kind = 'direct' AND id = $1", [a.body.id])).toBe(1);
    });

    it('registering the same push token twice, even at once, gives one device', async () => {
      const other = (await login(t, await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id }))).accessToken;
      const token = `fcm-idem-${uniq()}-0123456789`;
      const reg = () => t.http.post('/api/v1/notifications/devices/mobile').set(bearer(other)).send({ token, platform: 'android' });
      const [a, b] = await Promise.all([reg(), reg()]);
      const c = await reg();
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
      expect(await count(t, 'SELECT count(*)::int AS n FROM push_devices WHERE address = $1', [token])).toBe(1);
    });
  });
});
