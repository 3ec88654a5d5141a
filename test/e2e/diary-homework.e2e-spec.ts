import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import { bearer, filesUnder, login, makeClass, makeDiaryWorld, makeLesson, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe('diary: homework', () => {
  let t: TestApp;
  let w: World;
  let storage: string;
  let hw: { id: string; attachments: Array<{ id: string }> };
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'diary-storage-'));
    t = await createTestApp({ STORAGE_DIR: storage, UPLOAD_MAX_FILE_BYTES: '4096', UPLOAD_MAX_FILES: '3' });
    w = await makeDiaryWorld(t, { students: 3 });
  });
  afterAll(async () => {
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  it('lets the teacher set homework for their class and subject, announcing it', async () => {
    const lesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-23',
    });
    const res = await t.http
      .post('/api/v1/homework')
      .set(bearer(w.tokens.teacher))
      .send({ classId: w.cls.id, subjectId: w.subject.id, lessonId: lesson.id, text: '№ 245, 247', dueDate: '2026-12-30' })
      .expect(201);
    hw = res.body;
    expect(res.body).toMatchObject({
      classId: w.cls.id,
      lessonId: lesson.id,
      text: '№ 245, 247',
      dueDate: '2026-12-30',
      dueAt: '2026-12-30T21:00:00.000Z',
      attachments: [],
    });
    const [ev] = await t.db.query(`SELECT type, payload FROM domain_events WHERE aggregate_id = $1`, [hw.id]);
    expect(ev).toEqual({
      type: 'homework.created',
      payload: { homeworkId: hw.id, classId: w.cls.id, subjectId: w.subject.id, lessonId: lesson.id, dueDate: '2026-12-30' },
    });

    const other = await makeClass(t.db, { schoolId: w.school.id });
    expect(
      (
        await t.http
          .post('/api/v1/homework')
          .set(bearer(w.tokens.teacher))
          .send({ classId: other.id, subjectId: w.subject.id, text: 'x', dueDate: '2026-12-01' })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http
          .post('/api/v1/homework')
          .set(bearer(w.tokens.student))
          .send({ classId: w.cls.id, subjectId: w.subject.id, text: 'x', dueDate: '2026-12-01' })
      ).status,
    ).toBe(403);
    for (const token of [w.tokens.student, w.tokens.parent, w.tokens.admin]) {
      await t.http.get(`/api/v1/homework/${hw.id}`).set(bearer(token)).expect(200);
      const list = await t.http.get(`/api/v1/homework?classId=${w.cls.id}`).set(bearer(token)).expect(200);
      expect(list.body.items.map((h: { id: string }) => h.id)).toContain(hw.id);
    }
    const stranger = (await login(t, await makeUser(t.db, { roles: [Role.Student], schoolId: w.school.id, classId: other.id })))
      .accessToken;
    expect((await t.http.get(`/api/v1/homework/${hw.id}`).set(bearer(stranger))).status).toBe(404);
  });

  it('stores attachments with generated names and checks type, signature and size; failures leave nothing behind', async () => {
    const ok = await t.http
      .post(`/api/v1/homework/${hw.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', PDF, { filename: '../../etc/passwd.pdf', contentType: 'application/pdf' })
      .expect(201);
    expect(ok.body.attachments).toEqual([
      expect.objectContaining({ fileName: 'passwd.pdf', contentType: 'application/pdf', sizeBytes: PDF.length }),
    ]);
    hw = ok.body;
    const stored = await filesUnder(storage);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/homework\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);

    const exe = await t.http
      .post(`/api/v1/homework/${hw.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', Buffer.from('MZ...'), { filename: 'virus.exe', contentType: 'application/octet-stream' });
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe('FILE_TYPE_NOT_ALLOWED');
    const fake = await t.http
      .post(`/api/v1/homework/${hw.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', PNG, { filename: 'scan.pdf', contentType: 'application/pdf' });
    expect(fake.status).toBe(415);
    const big = await t.http
      .post(`/api/v1/homework/${hw.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', PDF, { filename: 'a.pdf', contentType: 'application/pdf' })
      .attach('files', Buffer.concat([PDF, Buffer.alloc(5000, 32)]), { filename: 'b.pdf', contentType: 'application/pdf' });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('FILE_TOO_LARGE');
    const many = await t.http
      .post(`/api/v1/homework/${hw.id}/attachments`)
      .set(bearer(w.tokens.teacher))
      .attach('files', PDF, { filename: '1.pdf', contentType: 'application/pdf' })
      .attach('files', PDF, { filename: '2.pdf', contentType: 'application/pdf' })
      .attach('files', PDF, { filename: '3.pdf', contentType: 'application/pdf' })
      .attach('files', PDF, { filename: '4.pdf', contentType: 'application/pdf' });
    expect(many.status).toBe(400);
    expect(await filesUnder(storage)).toHaveLength(1);
    expect((await t.http.post(`/api/v1/homework/${hw.id}/attachments`).set(bearer(w.tokens.teacher)).send({ a: 1 })).body.code).toBe(
      'MALFORMED_UPLOAD',
    );

    const dl = await t.http
      .get(`/api/v1/homework/files/${hw.attachments[0].id}`)
      .set(bearer(w.tokens.parent))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(dl.body as Buffer, PDF)).toBe(0);
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''passwd.pdf");
    const otherParent = (await login(t, await makeUser(t.db, { roles: [Role.Parent], schoolId: w.school.id }))).accessToken;
    expect((await t.http.get(`/api/v1/homework/files/${hw.attachments[0].id}`).set(bearer(otherParent))).status).toBe(404);
  });

  it('takes a student submission once, shows per-student status, returns, resubmits and grades into the journal', async () => {
    const sub = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions`)
      .set(bearer(w.tokens.student))
      .field('text', 'Решение во вложении')
      .attach('files', PNG, { filename: 'photo.png', contentType: 'image/png' })
      .expect(201);
    expect(sub.body).toMatchObject({
      studentId: w.students[0].id,
      status: 'submitted',
      late: false,
      attempt: 1,
      text: 'Решение во вложении',
      files: [expect.objectContaining({ fileName: 'photo.png' })],
    });
    expect(Date.now() - Date.parse(sub.body.submittedAt)).toBeLessThan(60_000);

    const twice = await t.http.post(`/api/v1/homework/${hw.id}/submissions`).set(bearer(w.tokens.student)).field('text', 'ещё раз');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('HOMEWORK_ALREADY_SUBMITTED');
    const wrongType = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions`)
      .set(bearer((await login(t, w.students[1])).accessToken))
      .attach('files', Buffer.from('#!/bin/sh'), { filename: 'run.sh', contentType: 'text/x-sh' });
    expect(wrongType.status).toBe(415);
    const empty = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions`)
      .set(bearer((await login(t, w.students[1])).accessToken))
      .field('text', '  ');
    expect(empty.body.code).toBe('SUBMISSION_EMPTY');

    const statuses = await t.http.get(`/api/v1/homework/${hw.id}/submissions`).set(bearer(w.tokens.teacher)).expect(200);
    expect(statuses.body.total).toBe(3);
    expect(Object.fromEntries(statuses.body.items.map((s: { studentId: string; status: string }) => [s.studentId, s.status]))).toEqual({
      [w.students[0].id]: 'submitted',
      [w.students[1].id]: 'not_submitted',
      [w.students[2].id]: 'not_submitted',
    });
    expect((await t.http.get(`/api/v1/homework/${hw.id}/submissions`).set(bearer(w.tokens.student))).status).toBe(404);

    // the submission file: the teacher and the parent may download it, a classmate may not
    const fileId = sub.body.files[0].id;
    await t.http.get(`/api/v1/homework/files/${fileId}`).set(bearer(w.tokens.teacher)).expect(200);
    await t.http.get(`/api/v1/homework/files/${fileId}`).set(bearer(w.tokens.parent)).expect(200);
    expect((await t.http.get(`/api/v1/homework/files/${fileId}`).set(bearer((await login(t, w.students[1])).accessToken))).status).toBe(
      404,
    );

    const returned = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions/${w.students[0].id}/return`)
      .set(bearer(w.tokens.teacher))
      .send({ comment: 'Доделай задачу 3' })
      .expect(200);
    expect(returned.body).toMatchObject({ status: 'returned', teacherComment: 'Доделай задачу 3' });
    const again = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions`)
      .set(bearer(w.tokens.student))
      .field('text', 'Исправлено')
      .expect(201);
    expect(again.body).toMatchObject({ status: 'submitted', attempt: 2, text: 'Исправлено', files: [] });
    expect(await filesUnder(join(storage, 'submissions'))).toHaveLength(0); // replaced files removed

    const graded = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions/${w.students[0].id}/grade`)
      .set(bearer(w.tokens.teacher))
      .send({ value: 4, comment: 'Хорошо' })
      .expect(200);
    expect(graded.body).toMatchObject({ status: 'graded', grade: 4, teacherComment: 'Хорошо' });
    const [g] = await t.db.query(`SELECT id, value, work_type, source, source_ref FROM grades WHERE id = $1`, [graded.body.gradeId]);
    expect(g).toMatchObject({ value: 4, work_type: 'homework', source: 'homework', source_ref: graded.body.id });
    const regraded = await t.http
      .post(`/api/v1/homework/${hw.id}/submissions/${w.students[0].id}/grade`)
      .set(bearer(w.tokens.teacher))
      .send({ value: 5 })
      .expect(200);
    expect(regraded.body.gradeId).toBe(graded.body.gradeId);
    const types = (
      await t.db.query('SELECT type FROM domain_events WHERE aggregate_id = ANY($1::uuid[]) ORDER BY id', [
        [graded.body.id, graded.body.gradeId],
      ])
    ).map((r: { type: string }) => r.type);
    expect(types).toEqual(['homework.returned', 'grade.created', 'homework.graded', 'grade.changed', 'homework.graded']);
    const studentGrades = await t.http
      .get(`/api/v1/grades/students/${w.students[0].id}?from=2026-09-01&to=2026-12-31`)
      .set(bearer(w.tokens.parent))
      .expect(200);
    expect(studentGrades.body.subjects[0].grades).toEqual([
      expect.objectContaining({ value: 5, workType: 'homework', source: 'homework' }),
    ]);
    expect(
      (
        await t.http
          .post(`/api/v1/homework/${hw.id}/submissions/${w.students[2].id}/grade`)
          .set(bearer(w.tokens.teacher))
          .send({ value: 5 })
      ).body.code,
    ).toBe('HOMEWORK_NOT_SUBMITTED');
  });

  it('marks a submission after the due day as late', async () => {
    const old = (
      await t.http
        .post('/api/v1/homework')
        .set(bearer(w.tokens.teacher))
        .send({ classId: w.cls.id, subjectId: w.subject.id, text: 'Старое', dueDate: '2026-11-20' })
        .expect(201)
    ).body;
    const late = await t.http
      .post(`/api/v1/homework/${old.id}/submissions`)
      .set(bearer(w.tokens.student))
      .field('text', 'Поздно')
      .expect(201);
    expect(late.body).toMatchObject({ status: 'late', late: true });
  });

  it('lets parents and the teacher talk in a student thread that others cannot read', async () => {
    const byParent = await t.http
      .post(`/api/v1/homework/${hw.id}/comments`)
      .set(bearer(w.tokens.parent))
      .send({ body: 'Помогали дома с задачей 3' })
      .expect(201);
    expect(byParent.body).toMatchObject({ studentId: w.students[0].id, authorId: w.parentUser.id });
    await t.http
      .post(`/api/v1/homework/${hw.id}/comments`)
      .set(bearer(w.tokens.teacher))
      .send({ studentId: w.students[0].id, body: 'Спасибо' })
      .expect(201);
    const thread = await t.http
      .get(`/api/v1/homework/${hw.id}/comments?studentId=${w.students[0].id}`)
      .set(bearer(w.tokens.student))
      .expect(200);
    expect(thread.body.items.map((c: { body: string }) => c.body)).toEqual(['Помогали дома с задачей 3', 'Спасибо']);
    const classmate = (await login(t, w.students[1])).accessToken;
    expect((await t.http.get(`/api/v1/homework/${hw.id}/comments?studentId=${w.students[0].id}`).set(bearer(classmate))).status).toBe(404);
    expect(
      (await t.http.post(`/api/v1/homework/${hw.id}/comments`).set(bearer(classmate)).send({ studentId: w.students[0].id, body: 'хи' }))
        .status,
    ).toBe(404);
  });

  it('lets the teacher edit and delete homework, removing its files', async () => {
    const patched = await t.http
      .patch(`/api/v1/homework/${hw.id}`)
      .set(bearer(w.tokens.teacher))
      .send({ dueDate: '2026-12-31' })
      .expect(200);
    expect(patched.body.dueDate).toBe('2026-12-31');
    expect((await t.http.patch(`/api/v1/homework/${hw.id}`).set(bearer(w.tokens.parent)).send({ text: 'x' })).status).toBe(403);
    await t.http.delete(`/api/v1/homework/${hw.id}`).set(bearer(w.tokens.teacher)).expect(204);
    expect((await t.http.get(`/api/v1/homework/${hw.id}`).set(bearer(w.tokens.student))).status).toBe(404);
    expect(await filesUnder(join(storage, 'homework'))).toHaveLength(0);
  });
});
