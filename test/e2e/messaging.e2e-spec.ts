import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import {
  assignTeacher,
  bearer,
  linkParent,
  login,
  MadeUser,
  makeClass,
  makeClassTeacher,
  makeSchool,
  makeSubject,
  makeUser,
} from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * Contacts and conversations: who may write to whom (one school only, by role relations),
 * 1:1 and group conversations, keyset history, unread counts and mark-as-read.
 */
describe('messaging: contacts and conversations', () => {
  let t: TestApp;
  const u: Record<string, MadeUser> = {};
  const tok: Record<string, string> = {};
  const api = '/api/v1/messaging';
  const storageDir = mkdtempSync(join(tmpdir(), 'diary-msg-'));
  const storedFiles = (): string[] =>
    readdirSync(storageDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name);

  const ids = (body: { items: Array<{ id: string }> }): string[] => body.items.map((x) => x.id).sort();
  const sorted = (...names: string[]): string[] => names.map((n) => u[n].id).sort();

  beforeAll(async () => {
    t = await createTestApp({ STORAGE_DIR: storageDir });
    const schoolA = await makeSchool(t.db);
    const schoolB = await makeSchool(t.db);
    const classA = await makeClass(t.db, { schoolId: schoolA.id, name: '7А' });
    const classA2 = await makeClass(t.db, { schoolId: schoolA.id, name: '8Б' });
    const classB = await makeClass(t.db, { schoolId: schoolB.id, name: '7А' });
    const math = await makeSubject(t.db, { schoolId: schoolA.id });
    const mathB = await makeSubject(t.db, { schoolId: schoolB.id });
    const staff = { birthDate: '1980-05-05' };

    u.teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id, lastName: 'Учителева', firstName: 'Анна', ...staff });
    u.classTeacher = await makeUser(t.db, {
      roles: [Role.Teacher],
      schoolId: schoolA.id,
      lastName: 'Классная',
      firstName: 'Ольга',
      ...staff,
    });
    u.otherTeacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id, lastName: 'Другой', firstName: 'Пётр', ...staff });
    u.admin = await makeUser(t.db, {
      roles: [Role.SchoolAdmin],
      schoolId: schoolA.id,
      lastName: 'Директорова',
      firstName: 'Нина',
      ...staff,
    });
    u.student1 = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolA.id,
      classId: classA.id,
      lastName: 'Петров',
      firstName: 'Иван',
    });
    u.student2 = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolA.id,
      classId: classA.id,
      lastName: 'Сидорова',
      firstName: 'Мария',
    });
    u.student3 = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolA.id,
      classId: classA2.id,
      lastName: 'Козлов',
      firstName: 'Олег',
    });
    u.parent1 = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolA.id, lastName: 'Петрова', firstName: 'Елена', ...staff });
    u.parent3 = await makeUser(t.db, { roles: [Role.Parent], schoolId: schoolA.id, lastName: 'Козлова', firstName: 'Вера', ...staff });
    u.blocked = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id, status: 'blocked', ...staff });
    u.adminB = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolB.id, ...staff });
    u.teacherB = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolB.id, ...staff });
    u.studentB = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolB.id, classId: classB.id });
    await assignTeacher(t.db, u.teacher.id, classA.id, math.id);
    await assignTeacher(t.db, u.otherTeacher.id, classA2.id, math.id);
    await assignTeacher(t.db, u.teacherB.id, classB.id, mathB.id);
    await makeClassTeacher(t.db, u.classTeacher.id, classA.id);
    await linkParent(t.db, u.parent1.id, u.student1.id);
    await linkParent(t.db, u.parent3.id, u.student3.id);
    // A parent in school A whose child studies in school B must not reach school B's teacher.
    await linkParent(t.db, u.parent3.id, u.studentB.id);
    for (const name of Object.keys(u)) if (name !== 'blocked') tok[name] = (await login(t, u[name])).accessToken;
  });
  afterAll(async () => {
    await t.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  const contacts = async (who: string, query = ''): Promise<string[]> => {
    const res = await t.http.get(`${api}/contacts?limit=200${query}`).set(bearer(tok[who])).expect(200);
    return ids(res.body);
  };

  describe('contacts', () => {
    it('student: teachers of the class, the class teacher and administration only', async () => {
      expect(await contacts('student1')).toEqual(sorted('teacher', 'classTeacher', 'admin'));
    });

    it('parent: teachers and class teacher of the children, administration', async () => {
      expect(await contacts('parent1')).toEqual(sorted('teacher', 'classTeacher', 'admin'));
      expect(await contacts('parent3')).toEqual(sorted('otherTeacher', 'admin'));
    });

    it('teacher: own students, their parents, colleagues, administration', async () => {
      expect(await contacts('teacher')).toEqual(sorted('student1', 'student2', 'parent1', 'classTeacher', 'otherTeacher', 'admin'));
      expect(await contacts('classTeacher')).toEqual(sorted('student1', 'student2', 'parent1', 'teacher', 'otherTeacher', 'admin'));
    });

    it('school admin: every active user of the school and nobody else', async () => {
      expect(await contacts('admin')).toEqual(
        sorted('teacher', 'classTeacher', 'otherTeacher', 'student1', 'student2', 'student3', 'parent1', 'parent3'),
      );
      expect(await contacts('adminB')).toEqual(sorted('teacherB', 'studentB'));
    });

    it('filters by role and name, and paginates', async () => {
      expect(await contacts('teacher', '&role=student')).toEqual(sorted('student1', 'student2'));
      expect(await contacts('teacher', `&q=${encodeURIComponent('петр')}`)).toEqual(sorted('student1', 'parent1'));
      expect(await contacts('teacher', `&q=${encodeURIComponent('100%_')}`)).toEqual([]);
      const first = await t.http.get(`${api}/contacts?limit=2&offset=0`).set(bearer(tok.admin)).expect(200);
      expect(first.body).toMatchObject({ total: 8, limit: 2, offset: 0 });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.items[0]).toEqual({
        id: expect.any(String),
        lastName: expect.any(String),
        firstName: expect.any(String),
        middleName: null,
        roles: expect.any(Array),
      });
      const bad = await t.http.get(`${api}/contacts?role=platform_admin`).set(bearer(tok.admin));
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('cross-school and forbidden contacts are refused', () => {
    it('refuses a 1:1 conversation with a user of another school, as 404, and writes nothing', async () => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM conversations');
      for (const [from, to] of [
        ['student1', 'teacherB'],
        ['admin', 'adminB'],
        ['teacher', 'studentB'],
        ['parent3', 'teacherB'],
        ['adminB', 'student1'],
      ]) {
        const res = await t.http.post(`${api}/conversations/direct`).set(bearer(tok[from])).send({ userId: u[to].id });
        expect({ from, to, status: res.status, code: res.body.code }).toEqual({ from, to, status: 404, code: 'CONTACT_NOT_FOUND' });
      }
      const after = await t.db.query('SELECT count(*)::int AS n FROM conversations');
      expect(after[0].n).toBe(before[0].n);
    });

    it('refuses users of the same school without a relation, blocked users, unknown ids and oneself', async () => {
      for (const [from, to] of [
        ['student1', 'student2'],
        ['student1', 'otherTeacher'],
        ['parent1', 'parent3'],
        ['teacher', 'student3'],
        ['teacher', 'parent3'],
        ['admin', 'blocked'],
        ['admin', 'admin'],
      ]) {
        const res = await t.http.post(`${api}/conversations/direct`).set(bearer(tok[from])).send({ userId: u[to].id });
        expect({ from, to, status: res.status }).toEqual({ from, to, status: 404 });
      }
      const unknown = await t.http
        .post(`${api}/conversations/direct`)
        .set(bearer(tok.admin))
        .send({ userId: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('CONTACT_NOT_FOUND');
    });

    it('refuses a group with one foreign member as a whole, naming that member', async () => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM conversations');
      const res = await t.http
        .post(`${api}/conversations`)
        .set(bearer(tok.teacher))
        .send({ title: 'Смешанная', memberIds: [u.student1.id, u.teacherB.id] });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'CONTACT_NOT_FOUND', details: { userIds: [u.teacherB.id] } });
      expect(typeof res.body.message).toBe('string');
      const after = await t.db.query('SELECT count(*)::int AS n FROM conversations');
      expect(after[0].n).toBe(before[0].n);
    });
  });

  describe('conversations', () => {
    let direct: string;

    it('reuses the one 1:1 conversation per pair, from either side', async () => {
      const a = await t.http.post(`${api}/conversations/direct`).set(bearer(tok.student1)).send({ userId: u.teacher.id }).expect(200);
      expect(a.body).toMatchObject({ kind: 'direct', title: null, memberCount: 2, unreadCount: 0, lastMessage: null });
      expect(a.body.peer).toMatchObject({ id: u.teacher.id, lastName: 'Учителева' });
      expect(ids({ items: a.body.members })).toEqual(sorted('student1', 'teacher'));
      const b = await t.http.post(`${api}/conversations/direct`).set(bearer(tok.student1)).send({ userId: u.teacher.id }).expect(200);
      const c = await t.http.post(`${api}/conversations/direct`).set(bearer(tok.teacher)).send({ userId: u.student1.id }).expect(200);
      expect(b.body.id).toBe(a.body.id);
      expect(c.body.id).toBe(a.body.id);
      expect(c.body.peer.id).toBe(u.student1.id);
      const both = await Promise.all(
        [0, 1, 2].map(() => t.http.post(`${api}/conversations/direct`).set(bearer(tok.parent1)).send({ userId: u.classTeacher.id })),
      );
      expect(new Set(both.map((r) => r.body.id)).size).toBe(1);
      direct = a.body.id;
    });

    it('pages the history newest first with a keyset cursor', async () => {
      const sent: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const who = i % 2 ? 'student1' : 'teacher';
        const res = await t.http
          .post(`${api}/conversations/${direct}/messages`)
          .set(bearer(tok[who]))
          .send({ body: `  сообщение ${i}  ` })
          .expect(201);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^\d+$/),
          conversationId: direct,
          senderId: u[who].id,
          body: `сообщение ${i}`,
          attachments: [],
          createdAt: expect.any(String),
        });
        sent.push(res.body.id);
      }
      const p1 = await t.http.get(`${api}/conversations/${direct}/messages?limit=2`).set(bearer(tok.teacher)).expect(200);
      expect(p1.body.items.map((m: { body: string }) => m.body)).toEqual(['сообщение 5', 'сообщение 4']);
      const p2 = await t.http
        .get(`${api}/conversations/${direct}/messages?limit=2&before=${p1.body.nextCursor}`)
        .set(bearer(tok.teacher))
        .expect(200);
      expect(p2.body.items.map((m: { body: string }) => m.body)).toEqual(['сообщение 3', 'сообщение 2']);
      // `cursor` is the parameter's name; `before` (above) is its deprecated alias
      const p3 = await t.http
        .get(`${api}/conversations/${direct}/messages?limit=2&cursor=${p2.body.nextCursor}`)
        .set(bearer(tok.teacher))
        .expect(200);
      expect(p3.body.items.map((m: { id: string }) => m.id)).toEqual([sent[0]]);
      expect(p3.body.nextCursor).toBeNull();
      const exact = await t.http.get(`${api}/conversations/${direct}/messages?limit=5`).set(bearer(tok.teacher)).expect(200);
      expect(exact.body.nextCursor).toBeNull();
    });

    it('counts unread messages per conversation and in total, and marks them read (never backwards)', async () => {
      // Student wrote messages 1, 3, 5; the teacher answered 2 and 4, which marked 1 and 3 as read for the teacher.
      const conv = await t.http.get(`${api}/conversations/${direct}`).set(bearer(tok.teacher)).expect(200);
      expect(conv.body.unreadCount).toBe(1);
      expect(conv.body.lastMessage).toMatchObject({ body: 'сообщение 5', senderId: u.student1.id });
      const studentView = await t.http.get(`${api}/conversations/${direct}`).set(bearer(tok.student1)).expect(200);
      expect(studentView.body.unreadCount).toBe(0);

      const history = await t.http.get(`${api}/conversations/${direct}/messages`).set(bearer(tok.teacher)).expect(200);
      const [m5, m4, m3] = history.body.items.map((m: { id: string }) => m.id);
      await t.http.post(`${api}/conversations/${direct}/messages`).set(bearer(tok.student1)).send({ body: 'ещё вопрос' }).expect(201);
      await t.http.post(`${api}/conversations/${direct}/messages`).set(bearer(tok.student1)).send({ body: 'и ещё' }).expect(201);
      expect((await t.http.get(`${api}/unread`).set(bearer(tok.teacher)).expect(200)).body).toEqual({
        messages: 3,
        conversations: 1,
        announcements: 0,
      });

      const partial = await t.http
        .post(`${api}/conversations/${direct}/read`)
        .set(bearer(tok.teacher))
        .send({ upToMessageId: m5 })
        .expect(200);
      expect(partial.body).toEqual({ conversationId: direct, lastReadMessageId: m5, unreadCount: 2 });
      const back = await t.http
        .post(`${api}/conversations/${direct}/read`)
        .set(bearer(tok.teacher))
        .send({ upToMessageId: m3 })
        .expect(200);
      expect(back.body).toMatchObject({ lastReadMessageId: m5, unreadCount: 2 });
      const all = await t.http.post(`${api}/conversations/${direct}/read`).set(bearer(tok.teacher)).send({}).expect(200);
      expect(all.body.unreadCount).toBe(0);
      expect((await t.http.get(`${api}/unread`).set(bearer(tok.teacher)).expect(200)).body).toEqual({
        messages: 0,
        conversations: 0,
        announcements: 0,
      });
      expect(m4).toBeDefined();

      const list = await t.http.get(`${api}/conversations`).set(bearer(tok.teacher)).expect(200);
      expect(list.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
      expect(list.body.items[0]).toMatchObject({ id: direct, unreadCount: 0, lastMessage: { body: 'и ещё' } });
    });

    it('writes a message.created event to the outbox in the same transaction, with ids only', async () => {
      const conv = (await t.http.post(`${api}/conversations/direct`).set(bearer(tok.student1)).send({ userId: u.teacher.id })).body;
      const sent = await t.http
        .post(`${api}/conversations/${conv.id}/messages`)
        .set(bearer(tok.student1))
        .send({ body: 'Секретный текст сообщения' })
        .expect(201);
      const events = await t.db.query(
        "SELECT type, aggregate_type, aggregate_id, payload FROM domain_events WHERE type = 'message.created' AND aggregate_id = $1 AND payload->>'messageId' = $2",
        [conv.id, String(sent.body.id)],
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ aggregate_type: 'conversation', payload: expect.objectContaining({ messageId: sent.body.id }) });
      expect(JSON.stringify(events[0].payload)).not.toContain('Секретный');
    });

    it('lets only members read or write (404 otherwise)', async () => {
      for (const who of ['student2', 'admin', 'adminB']) {
        for (const res of [
          await t.http.get(`${api}/conversations/${direct}`).set(bearer(tok[who])),
          await t.http.get(`${api}/conversations/${direct}/messages`).set(bearer(tok[who])),
          await t.http.post(`${api}/conversations/${direct}/messages`).set(bearer(tok[who])).send({ body: 'чужое' }),
          await t.http.post(`${api}/conversations/${direct}/read`).set(bearer(tok[who])).send({}),
        ]) {
          expect({ who, status: res.status, code: res.body.code }).toEqual({ who, status: 404, code: 'CONVERSATION_NOT_FOUND' });
        }
      }
      expect((await t.http.get(`${api}/conversations/not-a-uuid`).set(bearer(tok.teacher))).status).toBe(404);
      const list = await t.http.get(`${api}/conversations`).set(bearer(tok.student2)).expect(200);
      expect(list.body.items).toEqual([]);
    });

    it('answers bad input with 4xx, never 500', async () => {
      const post = (body: unknown) =>
        t.http
          .post(`${api}/conversations/${direct}/messages`)
          .set(bearer(tok.teacher))
          .send(body as object);
      expect((await post({ body: '   ' })).status).toBe(400);
      expect((await post({ body: 'x'.repeat(4001) })).body.code).toBe('VALIDATION_FAILED');
      expect((await post({ body: 'x'.repeat(4000) })).status).toBe(201);
      expect((await post({ body: 'hi', extra: 1 })).status).toBe(400);
      expect((await post({ body: 42 })).status).toBe(400);
      expect((await t.http.get(`${api}/conversations/${direct}/messages?before=abc`).set(bearer(tok.teacher))).status).toBe(400);
      expect(
        (await t.http.get(`${api}/conversations/${direct}/messages?before=99999999999999999999`).set(bearer(tok.teacher))).status,
      ).toBe(400);
      expect((await t.http.get(`${api}/conversations/${direct}/messages?limit=0`).set(bearer(tok.teacher))).status).toBe(400);
      const foreignMsg = await t.http
        .post(`${api}/conversations/${direct}/read`)
        .set(bearer(tok.teacher))
        .send({ upToMessageId: '999999999' });
      expect(foreignMsg.status).toBe(404);
      expect(foreignMsg.body.code).toBe('MESSAGE_NOT_FOUND');
      expect((await t.http.post(`${api}/conversations/direct`).set(bearer(tok.teacher)).send({ userId: 'nope' })).status).toBe(400);
    });
  });

  describe('attachments', () => {
    const pdf = Buffer.from('%PDF-1.4\n% test document\n%%EOF\n');
    let conv: string;
    beforeAll(async () => {
      conv = (await t.http.post(`${api}/conversations/direct`).set(bearer(tok.student2)).send({ userId: u.classTeacher.id }).expect(200))
        .body.id;
    });

    it('sends files with a message and lets members download them', async () => {
      const res = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.classTeacher))
        .field('body', ' Задание во вложении ')
        .attach('files', pdf, { filename: 'задание 7А.pdf', contentType: 'application/pdf' })
        .attach('files', Buffer.from('читать §12'), { filename: 'notes.txt', contentType: 'text/plain' })
        .expect(201);
      expect(res.body).toMatchObject({ body: 'Задание во вложении', senderId: u.classTeacher.id });
      expect(res.body.attachments).toEqual([
        { id: expect.any(String), name: 'задание 7А.pdf', contentType: 'application/pdf', size: pdf.length },
        { id: expect.any(String), name: 'notes.txt', contentType: 'text/plain', size: Buffer.byteLength('читать §12') },
      ]);
      expect(storedFiles()).toHaveLength(2);

      const history = await t.http.get(`${api}/conversations/${conv}/messages`).set(bearer(tok.student2)).expect(200);
      expect(history.body.items[0].attachments).toHaveLength(2);
      const list = await t.http.get(`${api}/conversations`).set(bearer(tok.student2)).expect(200);
      expect(list.body.items[0].lastMessage.attachments).toHaveLength(2);

      const file = await t.http
        .get(`${api}/conversations/${conv}/attachments/${res.body.attachments[0].id}`)
        .set(bearer(tok.student2))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('задание 7А.pdf')}`);
      expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);

      const stranger = await t.http.get(`${api}/conversations/${conv}/attachments/${res.body.attachments[0].id}`).set(bearer(tok.student1));
      expect(stranger.status).toBe(404);
      const otherConv = (
        await t.http.post(`${api}/conversations/direct`).set(bearer(tok.student2)).send({ userId: u.teacher.id }).expect(200)
      ).body.id;
      const wrongConv = await t.http
        .get(`${api}/conversations/${otherConv}/attachments/${res.body.attachments[0].id}`)
        .set(bearer(tok.student2));
      expect(wrongConv.status).toBe(404);
      expect(wrongConv.body.code).toBe('ATTACHMENT_NOT_FOUND');

      const filesOnly = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.student2))
        .attach('files', pdf, { filename: 'ответ.pdf', contentType: 'application/pdf' })
        .expect(201);
      expect(filesOnly.body.body).toBe('');
    });

    it('refuses bad uploads and leaves no file or message behind', async () => {
      const [{ n: before }] = await t.db.query('SELECT count(*)::int AS n FROM messages');
      const stored = storedFiles().length;
      const exe = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.student2))
        .field('body', 'вирус')
        .attach('files', pdf, { filename: 'ok.pdf', contentType: 'application/pdf' })
        .attach('files', Buffer.from('MZ....'), { filename: 'run.exe', contentType: 'application/octet-stream' });
      expect(exe.status).toBe(415);
      expect(exe.body.code).toBe('FILE_TYPE_NOT_ALLOWED');
      const fakePdf = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.student2))
        .field('body', 'не pdf')
        .attach('files', Buffer.from('MZ this is an executable, not a PDF'), { filename: 'отчёт.pdf', contentType: 'application/pdf' });
      expect(fakePdf.status).toBe(415);
      expect(fakePdf.body.code).toBe('FILE_TYPE_NOT_ALLOWED');
      const empty = await t.http.post(`${api}/conversations/${conv}/messages/files`).set(bearer(tok.student2)).field('body', '  ');
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('VALIDATION_FAILED');
      const extra = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.student2))
        .field('title', 'x')
        .attach('files', pdf, { filename: 'a.pdf', contentType: 'application/pdf' });
      expect(extra.status).toBe(400);
      const notMember = await t.http
        .post(`${api}/conversations/${conv}/messages/files`)
        .set(bearer(tok.student1))
        .attach('files', pdf, { filename: 'a.pdf', contentType: 'application/pdf' });
      expect(notMember.status).toBe(404);
      const json = await t.http.post(`${api}/conversations/${conv}/messages/files`).set(bearer(tok.student2)).send({ body: 'x' });
      expect(json.status).toBe(400);
      expect(storedFiles()).toHaveLength(stored);
      const [{ n: after }] = await t.db.query('SELECT count(*)::int AS n FROM messages');
      expect(after).toBe(before);
    });
  });

  it('documents every messaging route in OpenAPI under the messaging tag, with a summary and a response', async () => {
    const doc = await t.http.get('/api/docs-json').expect(200);
    const ops = Object.entries(doc.body.paths as Record<string, Record<string, { tags?: string[]; summary?: string; responses?: object }>>)
      .filter(([path]) => path.startsWith('/api/v1/messaging'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(ops.length).toBe(23);
    for (const { route, op } of ops) {
      expect({ route, tags: op.tags, summary: !!op.summary, responses: Object.keys(op.responses ?? {}).length > 0 }).toEqual({
        route,
        tags: ['messaging'],
        summary: true,
        responses: true,
      });
    }
  });

  describe('group conversations', () => {
    let group: string;

    it('creates a group of contacts; the creator adds only contacts; members may leave', async () => {
      const res = await t.http
        .post(`${api}/conversations`)
        .set(bearer(tok.teacher))
        .send({ title: ' Родители и ученики 7А ', memberIds: [u.student1.id, u.parent1.id, u.teacher.id] })
        .expect(201);
      expect(res.body).toMatchObject({
        kind: 'group',
        title: 'Родители и ученики 7А',
        memberCount: 3,
        peer: null,
        createdBy: u.teacher.id,
      });
      group = res.body.id;

      const foreign = await t.http
        .post(`${api}/conversations/${group}/members`)
        .set(bearer(tok.teacher))
        .send({ userIds: [u.student3.id] });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('CONTACT_NOT_FOUND');
      const notOwner = await t.http
        .post(`${api}/conversations/${group}/members`)
        .set(bearer(tok.student1))
        .send({ userIds: [u.admin.id] });
      expect(notOwner.status).toBe(403);
      expect(notOwner.body.code).toBe('NOT_CONVERSATION_OWNER');
      const added = await t.http
        .post(`${api}/conversations/${group}/members`)
        .set(bearer(tok.teacher))
        .send({ userIds: [u.student2.id, u.student1.id] })
        .expect(200);
      expect(added.body.memberCount).toBe(4);

      await t.http.post(`${api}/conversations/${group}/messages`).set(bearer(tok.teacher)).send({ body: 'Собрание в четверг' }).expect(201);
      for (const who of ['student1', 'student2', 'parent1']) {
        expect((await t.http.get(`${api}/unread`).set(bearer(tok[who])).expect(200)).body.messages).toBeGreaterThanOrEqual(1);
      }
      expect((await t.http.get(`${api}/conversations/${group}/messages`).set(bearer(tok.parent1)).expect(200)).body.items).toHaveLength(1);

      // A member cannot remove someone else; can leave; then reads 404.
      expect((await t.http.delete(`${api}/conversations/${group}/members/${u.student1.id}`).set(bearer(tok.student2))).status).toBe(403);
      await t.http.delete(`${api}/conversations/${group}/members/${u.student2.id}`).set(bearer(tok.student2)).expect(204);
      expect((await t.http.get(`${api}/conversations/${group}`).set(bearer(tok.student2))).status).toBe(404);
      // The creator removes a member.
      await t.http.delete(`${api}/conversations/${group}/members/${u.parent1.id}`).set(bearer(tok.teacher)).expect(204);
      const after = await t.http.get(`${api}/conversations/${group}`).set(bearer(tok.teacher)).expect(200);
      expect(ids({ items: after.body.members })).toEqual(sorted('teacher', 'student1'));
      expect((await t.http.delete(`${api}/conversations/${group}/members/${u.parent1.id}`).set(bearer(tok.teacher))).body.code).toBe(
        'MEMBER_NOT_FOUND',
      );
    });

    it('keeps 1:1 membership fixed and validates group input', async () => {
      const direct = await t.http.post(`${api}/conversations/direct`).set(bearer(tok.teacher)).send({ userId: u.student2.id }).expect(200);
      const res = await t.http
        .post(`${api}/conversations/${direct.body.id}/members`)
        .set(bearer(tok.teacher))
        .send({ userIds: [u.student1.id] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONVERSATION_NOT_GROUP');
      expect(
        (
          await t.http
            .post(`${api}/conversations`)
            .set(bearer(tok.teacher))
            .send({ title: '', memberIds: [u.student1.id] })
        ).status,
      ).toBe(400);
      expect((await t.http.post(`${api}/conversations`).set(bearer(tok.teacher)).send({ title: 'X', memberIds: [] })).status).toBe(400);
      expect(
        (
          await t.http
            .post(`${api}/conversations`)
            .set(bearer(tok.teacher))
            .send({ title: 'X', memberIds: [u.student1.id, u.student1.id] })
        ).status,
      ).toBe(400);
      expect(
        (
          await t.http
            .post(`${api}/conversations`)
            .set(bearer(tok.teacher))
            .send({ title: 'X', memberIds: [u.teacher.id] })
        ).status,
      ).toBe(404);
    });
  });
});
