import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import { assignTeacher, bearer, linkParent, login, makeClass, makeDiaryWorld, makeLesson, makeUser, waitFor } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;
type Item = { id: string; deleted: boolean; [k: string]: unknown };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/**
 * The `?cursor=` feeds a mobile app caches (lessons, homework, messages, notifications): read to the end, change
 * things, read from the cursor and see exactly those changes — deletions as tombstones — and nothing of other
 * people's; the same cursor semantics as the grade feed (core/feeds).
 */
describe('feeds of changes (?cursor=)', () => {
  let t: TestApp;
  let w: World;
  let storage: string;
  /** Another class of the same school with its own teacher, student and parent: what must never show up. */
  let other: { classId: string; teacher: string; teacherId: string; student: string; parent: string };

  /**
   * Waits until every transaction older than now has ended. A feed holds back rows while an older transaction may
   * still commit, and on a shared server that may be anyone's: reading after this sees all our writes.
   */
  async function settled(): Promise<void> {
    const [{ x }] = await t.db.query('SELECT pg_current_xact_id()::text AS x');
    await waitFor(
      async () => (await t.db.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > $1::bigint AS ok', [x]))[0].ok,
      'older transactions',
      60_000,
      20,
    );
  }

  /** Reads a feed to its end from `cursor` (once our writes have settled): every item, and where to continue. */
  async function drain(
    path: string,
    token: string,
    cursor?: string,
    param = 'cursor',
    settle = true,
  ): Promise<{ items: Item[]; cursor: string }> {
    if (settle) await settled();
    const items: Item[] = [];
    for (let i = 0; i < 50; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await t.http
        .get(`${path}${cursor ? `${sep}${param}=${cursor}` : ''}`)
        .set(bearer(token))
        .expect(200);
      items.push(...res.body.items);
      expect(typeof res.body.nextCursor).toBe('string');
      cursor = res.body.nextCursor as string;
      if (!res.body.hasMore) return { items, cursor };
    }
    throw new Error('feed did not end');
  }

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'diary-feeds-'));
    t = await createTestApp({ STORAGE_DIR: storage });
    w = await makeDiaryWorld(t, { students: 2 });
    const cls = await makeClass(t.db, { schoolId: w.school.id, academicYear: 2026 });
    const teacherUser = await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id });
    await assignTeacher(t.db, teacherUser.id, cls.id, w.subject.id);
    const studentUser = await makeUser(t.db, { roles: [Role.Student], schoolId: w.school.id, classId: cls.id });
    const parentUser = await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id });
    await linkParent(t.db, parentUser.id, studentUser.id);
    const [teacher, student, parent] = await Promise.all([login(t, teacherUser), login(t, studentUser), login(t, parentUser)]);
    other = {
      classId: cls.id,
      teacher: teacher.accessToken,
      teacherId: teacherUser.id,
      student: student.accessToken,
      parent: parent.accessToken,
    };
  });
  afterAll(async () => {
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  describe('lessons: GET /schedule/lessons/changes', () => {
    const feed = '/api/v1/schedule/lessons/changes';
    const lessonBody = (date: string, startTime = '10:00') => ({
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date,
      startTime,
      endTime: `${startTime.slice(0, 3)}45`,
    });

    it("shows exactly the class's lessons created, changed and deleted after the cursor, to whoever may see the class", async () => {
      const old = await makeLesson(t.db, {
        schoolId: w.school.id,
        classId: w.cls.id,
        subjectId: w.subject.id,
        teacherId: w.teacherUser.id,
        date: '2026-11-02',
      });
      const start = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.admin);
      expect(start.items.map((i) => i.id)).toContain(old.id);

      const created = (await t.http.post('/api/v1/schedule/lessons').set(bearer(w.tokens.admin)).send(lessonBody('2026-11-03')).expect(201))
        .body;
      const moved = (await t.http.post('/api/v1/schedule/lessons').set(bearer(w.tokens.admin)).send(lessonBody('2026-11-04')).expect(201))
        .body;
      const cancelled = (
        await t.http.post('/api/v1/schedule/lessons').set(bearer(w.tokens.admin)).send(lessonBody('2026-11-05')).expect(201)
      ).body;
      const mid = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.admin, start.cursor);
      expect(mid.items.map((i) => i.id)).toEqual([created.id, moved.id, cancelled.id]);

      await t.http.patch(`/api/v1/schedule/lessons/${moved.id}`).set(bearer(w.tokens.admin)).send({ room: '301' }).expect(200);
      await t.http
        .post(`/api/v1/schedule/lessons/${cancelled.id}/cancel`)
        .set(bearer(w.tokens.admin))
        .send({ reason: 'Карантин' })
        .expect(200);
      await t.db.query('DELETE FROM lessons WHERE id = $1', [old.id]);
      // someone else's class changes too
      await makeLesson(t.db, {
        schoolId: w.school.id,
        classId: other.classId,
        subjectId: w.subject.id,
        teacherId: other.teacherId,
        date: '2026-11-03',
        startTime: '15:00',
        endTime: '15:45',
      });

      for (const token of [w.tokens.admin, w.tokens.teacher, w.tokens.student, w.tokens.parent]) {
        const changes = await drain(`${feed}?classId=${w.cls.id}`, token, mid.cursor);
        expect(changes.items).toEqual([
          expect.objectContaining({ id: moved.id, room: '301', deleted: false }),
          expect.objectContaining({ id: cancelled.id, status: 'cancelled', deleted: false }),
          { id: old.id, deleted: true },
        ]);
        const again = await drain(`${feed}?classId=${w.cls.id}`, token, changes.cursor);
        expect(again).toEqual({ items: [], cursor: changes.cursor });
      }
      // a student's feed is their class's, for them and their parent
      const byStudent = await drain(`${feed}?studentId=${w.students[0].id}`, w.tokens.parent, mid.cursor);
      expect(byStudent.items.map((i) => i.id)).toEqual([moved.id, cancelled.id, old.id]);
      // the old parameter name still works
      expect((await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student, mid.cursor, 'since')).items.map((i) => i.id)).toEqual([
        moved.id,
        cancelled.id,
        old.id,
      ]);
    });

    it("a teacher's feed: own lessons and those covered; a substitute who stops covering a lesson gets its tombstone", async () => {
      const subUser = await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id });
      const sub = (await login(t, subUser)).accessToken;
      const mine = await drain(`${feed}?teacherId=${w.teacherUser.id}`, w.tokens.teacher);
      const theirs = await drain(`${feed}?teacherId=${subUser.id}`, sub);
      expect(theirs.items).toEqual([]);
      const lesson = (
        await t.http.post('/api/v1/schedule/lessons').set(bearer(w.tokens.admin)).send(lessonBody('2026-11-10', '12:00')).expect(201)
      ).body;
      await t.http
        .patch(`/api/v1/schedule/lessons/${lesson.id}`)
        .set(bearer(w.tokens.admin))
        .send({ substituteTeacherId: subUser.id })
        .expect(200);
      const covering = await drain(`${feed}?teacherId=${subUser.id}`, sub, theirs.cursor);
      expect(covering.items).toEqual([
        expect.objectContaining({ id: lesson.id, substituteTeacher: expect.objectContaining({ id: subUser.id }), deleted: false }),
      ]);
      await t.http
        .patch(`/api/v1/schedule/lessons/${lesson.id}`)
        .set(bearer(w.tokens.admin))
        .send({ substituteTeacherId: null })
        .expect(200);
      expect((await drain(`${feed}?teacherId=${subUser.id}`, sub, covering.cursor)).items).toEqual([{ id: lesson.id, deleted: true }]);
      // the teacher keeps it: a change, not a deletion
      const own = await drain(`${feed}?teacherId=${w.teacherUser.id}`, w.tokens.teacher, mine.cursor);
      expect(own.items.map((i) => [i.id, i.deleted])).toEqual([[lesson.id, false]]);
      // an admin of the school may read a teacher's feed; another teacher may not
      expect((await drain(`${feed}?teacherId=${w.teacherUser.id}`, w.tokens.admin, mine.cursor)).items.map((i) => i.id)).toEqual([
        lesson.id,
      ]);
    });

    it('refuses what the caller may not see (404), none or two targets (400) and a forged cursor (400)', async () => {
      expect((await t.http.get(`${feed}?classId=${w.cls.id}`).set(bearer(other.student))).body.code).toBe('CLASS_NOT_FOUND');
      expect((await t.http.get(`${feed}?classId=${w.cls.id}`).set(bearer(other.teacher))).body.code).toBe('CLASS_NOT_FOUND');
      expect((await t.http.get(`${feed}?studentId=${w.students[0].id}`).set(bearer(other.parent))).body.code).toBe('STUDENT_NOT_FOUND');
      expect((await t.http.get(`${feed}?teacherId=${w.teacherUser.id}`).set(bearer(other.teacher))).body.code).toBe('TEACHER_NOT_FOUND');
      expect((await t.http.get(feed).set(bearer(w.tokens.admin))).body.code).toBe('FEED_TARGET_REQUIRED');
      expect((await t.http.get(`${feed}?classId=${w.cls.id}&teacherId=${w.teacherUser.id}`).set(bearer(w.tokens.admin))).body.code).toBe(
        'FEED_TARGET_REQUIRED',
      );
      expect((await t.http.get(`${feed}?classId=${w.cls.id}&cursor=abc`).set(bearer(w.tokens.admin))).status).toBe(400);
      const huge = await t.http
        .get(`${feed}?classId=${w.cls.id}&cursor=99999999999999999999.00000000-0000-0000-0000-000000000000`)
        .set(bearer(w.tokens.admin));
      expect(huge.body.code).toBe('INVALID_CURSOR');
    });

    it('pages with limit: one change at a time gives the same changes in the same order', async () => {
      const whole = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.admin);
      const paged = await drain(`${feed}?classId=${w.cls.id}&limit=1`, w.tokens.admin);
      expect(paged.items).toEqual(whole.items);
      expect(paged.cursor).toBe(whole.cursor);
    });
  });

  describe('homework: GET /homework/changes', () => {
    const feed = '/api/v1/homework/changes';
    const setHomework = async (text: string, token = w.tokens.teacher, classId = w.cls.id) =>
      (
        await t.http
          .post('/api/v1/homework')
          .set(bearer(token))
          .send({ classId, subjectId: w.subject.id, text, dueDate: '2026-12-30' })
          .expect(201)
      ).body;

    it("shows exactly the class's homework set, edited, given files and deleted after the cursor, and nothing of other classes", async () => {
      const doomed = await setHomework('Будет удалено');
      const start = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student);
      const created = await setHomework('Упражнение 5');
      const edited = await setHomework('Упражнение 6');
      const withFile = await setHomework('По файлу');
      await t.http.patch(`/api/v1/homework/${edited.id}`).set(bearer(w.tokens.teacher)).send({ text: 'Упражнение 6 и 7' }).expect(200);
      await t.http
        .post(`/api/v1/homework/${withFile.id}/attachments`)
        .set(bearer(w.tokens.teacher))
        .attach('files', PDF, { filename: 'условие.pdf', contentType: 'application/pdf' })
        .expect(201);
      await t.http.delete(`/api/v1/homework/${doomed.id}`).set(bearer(w.tokens.teacher)).expect(204);
      await setHomework('Чужой класс', other.teacher, other.classId);

      for (const token of [w.tokens.student, w.tokens.parent, w.tokens.teacher, w.tokens.admin]) {
        const changes = await drain(`${feed}?classId=${w.cls.id}`, token, start.cursor);
        expect(changes.items).toEqual([
          expect.objectContaining({ id: created.id, text: 'Упражнение 5', deleted: false }),
          expect.objectContaining({ id: edited.id, text: 'Упражнение 6 и 7', deleted: false }),
          expect.objectContaining({ id: withFile.id, attachments: [expect.objectContaining({ fileName: 'условие.pdf' })], deleted: false }),
          { id: doomed.id, deleted: true },
        ]);
        expect((await drain(`${feed}?classId=${w.cls.id}`, token, changes.cursor)).items).toEqual([]);
      }
      const byStudent = await drain(`${feed}?studentId=${w.students[0].id}`, w.tokens.parent, start.cursor);
      expect(byStudent.items.map((i) => i.id)).toEqual([created.id, edited.id, withFile.id, doomed.id]);

      // removing an attachment is a change of its homework
      const fileId = (await t.http.get(`/api/v1/homework/${withFile.id}`).set(bearer(w.tokens.teacher)).expect(200)).body.attachments[0].id;
      const before = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student);
      await t.http.delete(`/api/v1/homework/${withFile.id}/attachments/${fileId}`).set(bearer(w.tokens.teacher)).expect(200);
      expect((await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student, before.cursor)).items).toEqual([
        expect.objectContaining({ id: withFile.id, attachments: [] }),
      ]);

      expect((await t.http.get(`${feed}?classId=${w.cls.id}`).set(bearer(other.student))).body.code).toBe('CLASS_NOT_FOUND');
      expect((await t.http.get(`${feed}?studentId=${w.students[0].id}`).set(bearer(other.parent))).body.code).toBe('STUDENT_NOT_FOUND');
      expect((await t.http.get(`${feed}?classId=${w.cls.id}&studentId=${w.students[0].id}`).set(bearer(w.tokens.parent))).body.code).toBe(
        'FEED_TARGET_REQUIRED',
      );
    });

    it('never skips a change whose transaction commits late: it is held back until the older one settles', async () => {
      const start = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student);
      const qr = t.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        // an older transaction (its id taken first) writes its homework only after a newer one committed
        await qr.query('SELECT pg_current_xact_id()');
        const early = await setHomework('Ранняя');
        const during = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student, start.cursor, 'cursor', false);
        expect(during.items).toEqual([]);
        expect(during.cursor).toBe(start.cursor);
        const [late] = await qr.query(
          `INSERT INTO homework (school_id, class_id, subject_id, teacher_id, text, due_date, due_at) VALUES ($1, $2, $3, $4, 'Поздняя', '2026-12-30', now()) RETURNING id`,
          [w.school.id, w.cls.id, w.subject.id, w.teacherUser.id],
        );
        await qr.commitTransaction();
        const after = await drain(`${feed}?classId=${w.cls.id}`, w.tokens.student, during.cursor);
        expect(after.items.map((i) => i.id)).toEqual([late.id, early.id]);
      } finally {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
    });
  });

  describe('messages: GET /messaging/changes', () => {
    const feed = '/api/v1/messaging/changes';
    const api = '/api/v1/messaging';

    it('shows new messages of my conversations, my memberships and their end — nothing of conversations I am not in', async () => {
      // a second parent of the class (a contact of the teacher), and a parent who is in no conversation of theirs
      const parent2User = await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id });
      await linkParent(t.db, parent2User.id, w.students[1].id);
      const parent2 = (await login(t, parent2User)).accessToken;
      const p1 = await drain(feed, w.tokens.parent);
      const p2 = await drain(feed, parent2);
      const outsider = await drain(feed, other.parent);

      const group = (
        await t.http
          .post(`${api}/conversations`)
          .set(bearer(w.tokens.teacher))
          .send({ title: 'Родители 7А', memberIds: [w.parentUser.id] })
          .expect(201)
      ).body;
      const m1 = (
        await t.http
          .post(`${api}/conversations/${group.id}/messages`)
          .set(bearer(w.tokens.teacher))
          .send({ body: 'Собрание в пятницу' })
          .expect(201)
      ).body;
      const afterM1 = await drain(feed, w.tokens.parent, p1.cursor);
      expect(afterM1.items).toEqual([
        { kind: 'conversation', id: group.id, conversationId: group.id, deleted: false, lastReadMessageId: null },
        {
          kind: 'message',
          id: m1.id,
          conversationId: group.id,
          deleted: false,
          message: expect.objectContaining({ id: m1.id, body: 'Собрание в пятницу', senderId: w.teacherUser.id }),
        },
      ]);

      // reading moves my read mark (seen on my other devices); others' marks are not mine
      await t.http.post(`${api}/conversations/${group.id}/read`).set(bearer(w.tokens.parent)).send({}).expect(200);
      const read = await drain(feed, w.tokens.parent, afterM1.cursor);
      expect(read.items).toEqual([
        { kind: 'conversation', id: group.id, conversationId: group.id, deleted: false, lastReadMessageId: m1.id },
      ]);

      // someone added later sees the conversation (older history: load it) and the messages after their cursor
      await t.http
        .post(`${api}/conversations/${group.id}/members`)
        .set(bearer(w.tokens.teacher))
        .send({ userIds: [parent2User.id] })
        .expect(200);
      const m2 = (
        await t.http
          .post(`${api}/conversations/${group.id}/messages`)
          .set(bearer(w.tokens.teacher))
          .send({ body: 'Не забудьте сменку' })
          .expect(201)
      ).body;
      const joined = await drain(feed, parent2, p2.cursor);
      expect(joined.items.map((i) => [i.kind, i.id, i.deleted])).toEqual([
        ['message', m1.id, false],
        ['conversation', group.id, false],
        ['message', m2.id, false],
      ]);

      // removed: a tombstone for the conversation, and nothing of it any more (its messages are no longer mine to see)
      await t.http.delete(`${api}/conversations/${group.id}/members/${w.parentUser.id}`).set(bearer(w.tokens.teacher)).expect(204);
      await t.http
        .post(`${api}/conversations/${group.id}/messages`)
        .set(bearer(w.tokens.teacher))
        .send({ body: 'Уже без вас' })
        .expect(201);
      const removed = await drain(feed, w.tokens.parent, read.cursor);
      expect(removed.items).toEqual([{ kind: 'conversation', id: group.id, conversationId: group.id, deleted: true }]);
      // parent2's feed goes on
      expect((await drain(feed, parent2, joined.cursor)).items.map((i) => i.kind)).toEqual(['message']);

      expect((await drain(feed, other.parent, outsider.cursor)).items).toEqual([]);
    });
  });

  describe('notifications: GET /notifications/changes', () => {
    const feed = '/api/v1/notifications/changes';
    let day = 0;
    const notify = async (userId: string, title: string): Promise<string> =>
      (
        await t.db.query(
          `INSERT INTO notifications (user_id, kind, title, body, digest_date) VALUES ($1, 'digest', $2, 'Математика: 5', DATE '2026-01-01' + $3::int) RETURNING id::text AS id`,
          [userId, title, ++day],
        )
      )[0].id;

    it('shows my notifications that arrived, were read or deleted after the cursor, never anyone else’s', async () => {
      const first = await notify(w.parentUser.id, 'Новая оценка');
      const start = await drain(feed, w.tokens.parent);
      expect(start.items.map((i) => i.id)).toContain(first);
      const second = await notify(w.parentUser.id, 'Ещё оценка');
      await notify(other.teacherId, 'Чужое');
      await t.http.post(`/api/v1/notifications/${first}/read`).set(bearer(w.tokens.parent)).expect(200);
      await t.db.query('DELETE FROM notifications WHERE id = $1', [second]);
      const changes = await drain(feed, w.tokens.parent, start.cursor);
      expect(changes.items).toEqual([
        expect.objectContaining({ id: first, title: 'Новая оценка', readAt: expect.any(String), deleted: false }),
        { id: second, deleted: true },
      ]);
      expect((await drain(feed, w.tokens.parent, changes.cursor)).items).toEqual([]);
      expect((await drain(feed, other.teacher)).items.map((i) => i.title)).toEqual(['Чужое']);
    });
  });
});
