import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeDiaryWorld, makeLesson, makeSubject, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

type World = Awaited<ReturnType<typeof makeDiaryWorld>>;

describe('diary: grade import (CSV, XLSX)', () => {
  let t: TestApp;
  let w: World;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    w = await makeDiaryWorld(t, { students: 3 });
    await t.db.query(`UPDATE subjects SET name = 'Алгебра' WHERE id = $1`, [w.subject.id]);
    await makeSubject(t.db, { schoolId: w.school.id, name: 'Физика' });
    await t.db.query(`UPDATE users SET last_name = 'Петров', first_name = 'Пётр', middle_name = 'Ильич' WHERE id = $1`, [w.students[1].id]);
    dir = await mkdtemp(join(tmpdir(), 'diary-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  const count = async (): Promise<number> =>
    (await t.db.query('SELECT count(*)::int AS n FROM grades WHERE class_id = $1', [w.cls.id]))[0].n;
  const csv = (): string =>
    [
      'Дата;Предмет;Ученик;Оценка;Вид работы;Комментарий',
      `2026-11-02;Алгебра;${w.students[0].login};5;answer;Отлично`,
      '03.11.2026;алгебра;петров петр ильич;4;Контрольная работа;',
      `2026-11-04;Алгебра;${w.students[2].login};3;;`,
      '2026-11-05;Алгебра;Сидоров Сидор;5;answer;',
      `2026-13-01;Алгебра;${w.students[0].login};5;answer;`,
      `2026-11-06;Алгебра;${w.students[0].login};7;answer;`,
      `2026-11-06;Физика;${w.students[0].login};5;answer;`,
      `2027-05-20;Алгебра;${w.students[0].login};5;answer;`,
      `2026-11-09;"Алгебра";"${w.students[2].login}";2;homework;"с ; точкой с запятой"`,
    ].join('\r\n');

  it('imports good rows and reports each bad row with its line and reason (default good-rows mode)', async () => {
    const lesson = await makeLesson(t.db, {
      schoolId: w.school.id,
      classId: w.cls.id,
      subjectId: w.subject.id,
      teacherId: w.teacherUser.id,
      date: '2026-11-02',
    });
    const before = await count();
    const res = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.from(`\uFEFF${csv()}`, 'utf8'), { filename: 'оценки.csv', contentType: 'text/csv' })
      .expect(200);
    expect(res.body).toMatchObject({ mode: 'good-rows', committed: true, totalRows: 9, imported: 4, failed: 5, errorsTruncated: false });
    expect(res.body.errors).toEqual([
      { line: 5, field: 'student', reason: expect.stringContaining('не найден') },
      { line: 6, field: 'date', reason: expect.stringContaining('Неверная дата') },
      { line: 7, field: 'grade', reason: 'Оценка должна быть от 1 до 5' },
      { line: 8, field: 'subject', reason: 'Вы не ведёте этот предмет в этом классе' },
      { line: 9, field: 'date', reason: 'Дата в будущем' },
    ]);
    expect(await count()).toBe(before + 4);
    const rows = await t.db.query(
      `SELECT student_id, value, work_type, weight::float AS weight, lesson_id, source, comment FROM grades WHERE class_id = $1 AND source = 'import' ORDER BY date`,
      [w.cls.id],
    );
    expect(rows[0]).toMatchObject({ student_id: w.students[0].id, value: 5, lesson_id: lesson.id, comment: 'Отлично' });
    expect(rows[1]).toMatchObject({ student_id: w.students[1].id, value: 4, work_type: 'control', weight: 2 });
    expect(rows[2]).toMatchObject({ work_type: 'answer' });
    expect(rows[3]).toMatchObject({ comment: 'с ; точкой с запятой', work_type: 'homework' });
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM domain_events e JOIN grades g ON g.id = e.aggregate_id WHERE e.type = 'grade.created' AND g.source = 'import' AND g.class_id = $1`,
      [w.cls.id],
    );
    expect(n).toBe(4);
  });

  it('imports nothing in all-or-nothing mode when a row is bad, and says which mode ran', async () => {
    const before = await count();
    const res = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}&mode=all-or-nothing`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.from(csv(), 'utf8'), { filename: 'grades.csv', contentType: 'text/csv' })
      .expect(200);
    expect(res.body).toMatchObject({ mode: 'all-or-nothing', committed: false, imported: 0, failed: 5, totalRows: 9 });
    expect(res.body.errors).toHaveLength(5);
    expect(await count()).toBe(before);
    const good = csv().split('\r\n').slice(0, 4).join('\n');
    const ok = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}&mode=all-or-nothing`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.from(good, 'utf8'), { filename: 'grades.csv', contentType: 'text/csv' })
      .expect(200);
    expect(ok.body).toMatchObject({ mode: 'all-or-nothing', committed: true, imported: 3, failed: 0, errors: [] });
  });

  it('reads XLSX (streamed) with English headers and real date cells', async () => {
    const ExcelJS = require('exceljs');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Оценки');
    ws.addRow(['date', 'subject', 'student', 'grade', 'work_type', 'comment']);
    ws.addRow([new Date(Date.UTC(2026, 10, 10)), 'Алгебра', w.students[0].login, 4, 'test', 'xlsx']);
    ws.addRow(['2026-11-11', 'Алгебра', 'Петров Пётр', 5, 'answer', null]);
    ws.addRow(['2026-11-11', 'Химия', 'Петров Пётр', 5, 'answer', null]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', buf, { filename: 'grades.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
      .expect(200);
    expect(res.body).toMatchObject({ committed: true, imported: 2, failed: 1, errors: [{ line: 4, field: 'subject' }] });
    const [row] = await t.db.query(`SELECT to_char(date, 'YYYY-MM-DD') AS date, value, work_type FROM grades WHERE comment = 'xlsx'`);
    expect(row).toEqual({ date: '2026-11-10', value: 4, work_type: 'test' });
  });

  it('refuses a bad header, a forbidden file type, a broken workbook and a class the teacher does not teach', async () => {
    const header = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.from('when,who\n2026-11-02,x\n'), { filename: 'g.csv', contentType: 'text/csv' });
    expect(header.status).toBe(400);
    expect(header.body).toMatchObject({ code: 'IMPORT_BAD_HEADER', details: { missing: ['date', 'subject', 'student', 'grade'] } });
    const pdf = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.from('%PDF-1.4 ...'), { filename: 'g.pdf', contentType: 'application/pdf' });
    expect(pdf.status).toBe(415);
    expect(pdf.body.code).toBe('FILE_TYPE_NOT_ALLOWED');
    const broken = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), {
        filename: 'g.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('IMPORT_FILE_UNREADABLE');
    const none = await t.http.post(`/api/v1/grades/import?classId=${w.cls.id}`).set(bearer(w.tokens.teacher)).field('x', '1');
    expect(none.body.code).toBe('FILE_REQUIRED');
    const stranger = (await login(t, await makeUser(t.db, { roles: [Role.Teacher], schoolId: w.school.id }))).accessToken;
    const foreign = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(stranger))
      .attach('file', Buffer.from(csv()), { filename: 'g.csv', contentType: 'text/csv' });
    expect(foreign.status).toBe(404);
    expect((await t.http.post(`/api/v1/grades/import?classId=${w.cls.id}&mode=maybe`).set(bearer(w.tokens.teacher))).status).toBe(400);
  });

  it('imports a 50,000-row file streamed, within bounded memory', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('date,subject,student,grade,work_type,comment\n');
    const logins = w.students.map((s) => s.login);
    for (let i = 0; i < 50_000; i++) {
      const day = 1 + (i % 24);
      const line = `2026-11-${String(day).padStart(2, '0')},Алгебра,${logins[i % logins.length]},${1 + (i % 5)},${i % 7 === 0 ? 'control' : 'answer'},строка ${i}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const size = (await stat(path)).size;
    const before = await count();
    global.gc?.();
    const baseRss = process.memoryUsage().rss;
    let peak = baseRss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = Date.now();
    const res = await t.http
      .post(`/api/v1/grades/import?classId=${w.cls.id}`)
      .set(bearer(w.tokens.teacher))
      .attach('file', path, { filename: 'big.csv', contentType: 'text/csv' });
    const ms = Date.now() - started;
    clearInterval(sampler);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'good-rows', committed: true, totalRows: 50_000, imported: 50_000, failed: 0 });
    expect(await count()).toBe(before + 50_000);
    process.stdout.write(
      `[diary] import of 50,000 CSV rows (${(size / 1024 / 1024).toFixed(1)} MiB): ${ms} ms, ` +
        `RSS ${(baseRss / 1048576).toFixed(0)} → peak ${(peak / 1048576).toFixed(0)} MiB (+${((peak - baseRss) / 1048576).toFixed(0)} MiB, test process incl. app and supertest)\n`,
    );
  }, 120_000);
});
