import { Logger } from '@nestjs/common';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Role } from '../../src/common/auth/role';
import {
  assignTeacher,
  bearer,
  linkEsiaAccount,
  linkParent,
  login,
  makeClass,
  makeLesson,
  makeRegion,
  makeSchool,
  makeSubject,
  makeUser,
  MadeUser,
} from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import {
  badBodies,
  badHeaderValues,
  badJsonValues,
  badMultiparts,
  badPathValues,
  badQueryValues,
  closeAgent,
  digitMutations,
  fieldPaths,
  multipart,
  numeric,
  OpenApiDoc,
  Operation,
  operationsOf,
  rawRequest,
  RawResponse,
  resolve,
  seeded,
  validObject,
  validValue,
  withField,
} from '../utils/fuzz';

jest.setTimeout(Number(process.env.FUZZ_TIMEOUT_MS ?? 240_000));

/**
 * Bad input is a 4xx with a code, never a 500. For every operation of the document the app serves,
 * this sends bad types for each parameter and body field, deep nesting, NUL bytes, lone surrogates,
 * invalid UTF-8, nulls, huge/negative/non-integer numbers, very long strings, and broken multipart
 * on upload routes, signed in with a role the route admits and with real ids of a small school. It
 * fails listing every (operation, input) that answered 5xx, and every 4xx without the error body.
 */

const MAX_FILE = 64 * 1024;
/** Roles tried in this order; the first one the route does not refuse (401/403) is used. */
const ROLE_ORDER = ['teacher', 'schoolAdmin', 'student', 'parent', 'platformAdmin', 'regionAdmin'] as const;
type RoleName = (typeof ROLE_ORDER)[number];
const CONCURRENCY = 6;
/** An id that exists nowhere (fixed, like every input here). */
const UNKNOWN_ID = '7e57f022-0000-4000-8000-000000000001';

interface Sent {
  op: Operation;
  input: string;
  res: RawResponse | Error;
}

describe('fuzz: no bad input answers 5xx', () => {
  let t: TestApp;
  let port: number;
  let storage: string;
  let doc: OpenApiDoc;
  const users = {} as Record<RoleName, MadeUser>;
  const tokens = {} as Record<RoleName, string>;
  const relogin = new Map<RoleName, Promise<void>>();
  /** Real ids by the parameter/property name that refers to them. */
  const ids: Record<string, string> = {};
  /** A valid grade-import row but for one cell: (date, subject, student, grade, comment). */
  let importCells: [string, string, string, string, string];
  /** Path params named `id`: which fixture, by the path's prefix. */
  const idByPrefix: Array<[RegExp, string]> = [];

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'diary-fuzz-'));
    port = await freePort();
    t = await createTestApp(
      {
        PORT: String(port),
        STORAGE_DIR: storage,
        UPLOAD_MAX_FILE_BYTES: String(MAX_FILE),
        IMPORT_MAX_FILE_BYTES: String(MAX_FILE),
        LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      },
      { listen: true },
    );
    const region = await makeRegion(t.db);
    const school = await makeSchool(t.db, { regionId: region.id });
    const cls = await makeClass(t.db, { schoolId: school.id, academicYear: 2026 });
    const subject = await makeSubject(t.db, { schoolId: school.id });
    users.teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    await assignTeacher(t.db, users.teacher.id, cls.id, subject.id);
    users.schoolAdmin = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });
    users.student = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id, classId: cls.id });
    users.parent = await makeUser(t.db, { roles: [Role.Parent], schoolId: school.id });
    await linkParent(t.db, users.parent.id, users.student.id);
    users.platformAdmin = await makeUser(t.db, { roles: [Role.PlatformAdmin] });
    users.regionAdmin = await makeUser(t.db, { roles: [Role.RegionAdmin], regionId: region.id });
    // the target of admin writes on users (password, status, roles): never a signed-in fixture
    const victim = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id, classId: cls.id });
    for (const r of ROLE_ORDER) tokens[r] = (await login(t, users[r])).accessToken;

    const lesson = await makeLesson(t.db, {
      schoolId: school.id,
      classId: cls.id,
      subjectId: subject.id,
      teacherId: users.teacher.id,
      date: '2026-11-23',
    });
    const as = (r: RoleName) => bearer(tokens[r]);
    const ok = <T>(res: { status: number; body: T }, what: string): T => {
      if (res.status >= 300) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const period = ok(
      await t.http
        .post('/api/v1/grades/periods')
        .set(as('schoolAdmin'))
        .send({ schoolId: school.id, academicYear: 2026, kind: 'term', name: '2 четверть', startsOn: '2026-11-01', endsOn: '2026-12-28' }),
      'period',
    ) as { id: string };
    const hw = ok(
      await t.http
        .post('/api/v1/homework')
        .set(as('teacher'))
        .send({ classId: cls.id, subjectId: subject.id, lessonId: lesson.id, text: 'Задание', dueDate: '2026-12-30' }),
      'homework',
    ) as { id: string };
    const withFile = ok(
      await t.http
        .post(`/api/v1/homework/${hw.id}/attachments`)
        .set(as('teacher'))
        .attach('files', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' }),
      'attachment',
    ) as { attachments: Array<{ id: string }> };
    const grade = ok(
      await t.http
        .post('/api/v1/grades')
        .set(as('teacher'))
        .send({ lessonId: lesson.id, studentId: users.student.id, value: 5, workType: 'answer' }),
      'grade',
    ) as { id: string };
    const conv = ok(
      await t.http
        .post('/api/v1/messaging/conversations')
        .set(as('teacher'))
        .send({ title: 'Родители', memberIds: [users.parent.id] }),
      'conversation',
    ) as { id: string };
    const msg = ok(
      await t.http
        .post(`/api/v1/messaging/conversations/${conv.id}/messages/files`)
        .set(as('teacher'))
        .field('body', 'см. файл')
        .attach('files', Buffer.from('hello'), { filename: 'a.txt', contentType: 'text/plain' }),
      'message',
    ) as { attachments: Array<{ id: string }> };
    const ann = ok(
      await t.http
        .post('/api/v1/messaging/announcements')
        .set(as('schoolAdmin'))
        .send({ audience: 'school', title: 'Собрание', body: 'В четверг' }),
      'announcement',
    ) as { id: string };
    const device = ok(
      await t.http
        .post('/api/v1/notifications/devices/mobile')
        .set(as('teacher'))
        .send({ token: 'fuzz-token-0123456789abcdef', platform: 'android' }),
      'device',
    ) as { id: string };
    await linkEsiaAccount(t.db, victim.id);
    const [{ id: linkId }] = await t.db.query('SELECT id FROM esia_links WHERE user_id = $1', [victim.id]);
    const [{ id: assignmentId }] = await t.db.query('SELECT id FROM teacher_assignments WHERE teacher_id = $1', [users.teacher.id]);

    Object.assign(ids, {
      default: UNKNOWN_ID,
      regionId: region.id,
      schoolId: school.id,
      classId: cls.id,
      subjectId: subject.id,
      teacherId: users.teacher.id,
      substituteTeacherId: users.teacher.id,
      studentId: users.student.id,
      userId: users.parent.id,
      childId: victim.id,
      lessonId: lesson.id,
      periodId: period.id,
      fileId: withFile.attachments[0].id,
      attachmentId: msg.attachments[0].id,
    });
    idByPrefix.push(
      [/^\/api\/v1\/admin\/regions\//, region.id],
      [/^\/api\/v1\/admin\/schools\//, school.id],
      [/^\/api\/v1\/admin\/classes\//, cls.id],
      [/^\/api\/v1\/admin\/subjects\//, subject.id],
      [/^\/api\/v1\/admin\/users\//, victim.id],
      [/^\/api\/v1\/students\//, users.student.id],
      [/^\/api\/v1\/admin\/teacher-assignments\//, assignmentId],
      [/^\/api\/v1\/admin\/esia-links\//, linkId],
      [/^\/api\/v1\/messaging\/conversations\//, conv.id],
      [/^\/api\/v1\/messaging\/announcements\//, ann.id],
      [/^\/api\/v1\/notifications\/devices\//, device.id],
      [/^\/api\/v1\/notifications\//, '1'],
      [/^\/api\/v1\/schedule\/lessons\//, lesson.id],
      [/^\/api\/v1\/grades\//, grade.id],
      [/^\/api\/v1\/homework\//, hw.id],
    );

    importCells = ['2026-09-02', subject.name, users.student.login, '5', 'ок'];
    const served = await t.http.get('/api/docs-json').expect(200);
    doc = served.body as OpenApiDoc;
  });

  afterAll(async () => {
    closeAgent();
    await t?.close();
    await rm(storage, { recursive: true, force: true });
  });

  const pathParam = (op: Operation, name: string): string => {
    if (name !== 'id') return ids[name] ?? ids.default;
    return idByPrefix.find(([re]) => re.test(op.path))?.[1] ?? ids.default;
  };

  /** The operation's path with real ids, `override` replacing one parameter with a raw value. */
  const pathOf = (op: Operation, override?: [string, string]): string =>
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (override?.[0] === name ? override[1] : encodeURIComponent(pathParam(op, name))));

  /** Required query parameters with valid values, without `skip`. */
  const baseQuery = (op: Operation, skip?: string): string[] =>
    op.parameters
      .filter((p) => p.in === 'query' && p.required && p.name !== skip)
      .map((p) => `${p.name}=${encodeURIComponent(String(validValue(doc, p.name, p.schema, ids)))}`);

  const url = (path: string, query: string[]): string => (query.length ? `${path}?${query.join('&')}` : path);

  async function send(
    op: Operation,
    role: RoleName | null,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<RawResponse | Error> {
    const attempt = () =>
      rawRequest(port, op.method, path, { ...headers, ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}) }, body).catch(
        (e: Error) => e,
      );
    let res = await attempt();
    if (role && !(res instanceof Error) && res.status === 401 && !op.public) {
      // a fuzzed write (role change, class-teacher grant) may have revoked the session: sign in again once
      if (!relogin.has(role))
        relogin.set(
          role,
          login(t, users[role])
            .then((p) => void (tokens[role] = p.accessToken))
            .finally(() => relogin.delete(role)),
        );
      await relogin.get(role);
      res = await attempt();
    }
    return res;
  }

  async function pickRole(op: Operation): Promise<RoleName | null> {
    if (op.public) return null;
    const path = op.path.replace(/\{[^}]+\}/g, () => UNKNOWN_ID);
    for (const r of ROLE_ORDER) {
      const res = await rawRequest(
        port,
        op.method,
        url(path, baseQuery(op)),
        { authorization: `Bearer ${tokens[r]}`, 'content-type': 'application/json' },
        op.method === 'GET' ? undefined : Buffer.from('{}'),
      );
      if (res.status !== 401 && res.status !== 403) return r;
    }
    return ROLE_ORDER[0];
  }

  /** Every bad input of one operation, as thunks (run a few at a time). */
  function inputsOf(op: Operation, role: RoleName | null): Array<{ input: string; run: () => Promise<RawResponse | Error> }> {
    const rand = seeded(op.method.length * 7919 + [...op.path].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 17));
    const out: Array<{ input: string; run: () => Promise<RawResponse | Error> }> = [];
    const jsonSchema = op.body?.type === 'application/json' ? op.body.schema : undefined;
    const validBody = jsonSchema ? Buffer.from(JSON.stringify(validObject(doc, jsonSchema, ids))) : undefined;
    const jsonHeaders = { 'content-type': 'application/json' };
    const bodyOrNone = op.method === 'GET' || op.method === 'DELETE' ? undefined : (validBody ?? (op.body ? undefined : Buffer.from('{}')));
    const bodyHeaders = bodyOrNone ? jsonHeaders : {};
    const add = (input: string, path: string, headers: Record<string, string>, body?: Buffer) =>
      out.push({ input, run: () => send(op, role, path, headers, body) });

    for (const p of op.parameters) {
      if (p.in === 'query') {
        const valid = validValue(doc, p.name, p.schema, ids);
        const mutations = digitMutations(valid).map(([l, v]): [string, (n: string) => string] => [
          l,
          (n) => `${n}=${encodeURIComponent(v)}`,
        ]);
        for (const [label, fragment] of [...badQueryValues(rand, numeric(resolve(doc, p.schema), valid)), ...mutations])
          add(`query ${p.name}: ${label}`, url(pathOf(op), [...baseQuery(op, p.name), fragment(p.name)]), bodyHeaders, bodyOrNone);
      } else if (p.in === 'path') {
        for (const [label, raw] of [...badPathValues(), ...digitMutations(pathParam(op, p.name))])
          add(`path ${p.name}: ${label}`, url(pathOf(op, [p.name, raw]), baseQuery(op)), bodyHeaders, bodyOrNone);
      } else if (p.in === 'header') {
        for (const [label, raw] of badHeaderValues())
          add(`header ${p.name}: ${label}`, url(pathOf(op), baseQuery(op)), { ...bodyHeaders, [p.name]: raw }, bodyOrNone);
      }
    }
    const target = url(pathOf(op), baseQuery(op));
    if (op.method !== 'GET' && op.body?.type !== 'multipart/form-data') {
      for (const [label, type, body] of badBodies()) add(`body: ${label}`, target, { 'content-type': type }, body);
    }
    if (jsonSchema) {
      const s = resolve(doc, jsonSchema);
      for (const { path, schema } of fieldPaths(doc, s)) {
        const valid = validValue(doc, String(path[path.length - 1]), schema, ids);
        const mutations = digitMutations(valid);
        for (const [label, value] of [...badJsonValues(rand, numeric(resolve(doc, schema), valid)), ...mutations]) {
          add(`body ${path.join('.')}: ${label}`, target, jsonHeaders, Buffer.from(JSON.stringify(withField(doc, s, ids, path, value))));
        }
      }
    }
    if (op.body?.type === 'multipart/form-data') {
      const props = resolve(doc, op.body.schema).properties ?? {};
      const isFile = (name: string) => {
        const p = resolve(doc, props[name]);
        return p.format === 'binary' || resolve(doc, p.items).format === 'binary';
      };
      const fileField = Object.keys(props).find(isFile) ?? 'files';
      const textFields = Object.keys(props).filter((n) => !isFile(n));
      const validFile = op.path.includes('/import')
        ? { name: 'grades.csv', type: 'text/csv', data: Buffer.from('Ученик;Дата;Оценка\n') }
        : { name: 'a.txt', type: 'text/plain', data: Buffer.from('hello') };
      for (const [label, type, body] of badMultiparts(fileField, textFields, validFile, MAX_FILE))
        add(`multipart: ${label}`, target, { 'content-type': type }, body);
      if (op.path.includes('/import')) {
        // the file's own cells are text that reaches the database too
        const csv = (cell: number, value: Buffer) =>
          Buffer.concat([
            Buffer.from('date;subject;student;grade;comment\n'),
            ...importCells.flatMap((c, i) => [i === cell ? value : Buffer.from(c), Buffer.from(i === 4 ? '\n' : ';')]),
          ]);
        const cells: Array<[string, number, Buffer]> = [
          ['NUL byte in a comment', 4, Buffer.from('a\u0000b')],
          ['invalid UTF-8 in a comment', 4, Buffer.from([0x61, 0xff, 0xfe])],
          ['long comment', 4, Buffer.from('я'.repeat(600))],
          ['NUL byte in the student', 2, Buffer.from(`${importCells[2]}\u0000`)],
          ['year 0 date', 0, Buffer.from('0000-01-01')],
          ['date digits 9', 0, Buffer.from('9999-99-99')],
          ['grade 1e308', 3, Buffer.from('1e308')],
        ];
        for (const [label, cell, value] of cells) {
          add(
            `import file: ${label}`,
            target,
            { 'content-type': 'multipart/form-data; boundary=csvFuzz' },
            multipart('csvFuzz', [{ name: fileField, filename: 'grades.csv', contentType: 'text/csv', data: csv(cell, value) }]),
          );
        }
      }
    }
    return out;
  }

  it('answers every bad input with a 4xx carrying { statusCode, code, message, requestId }', async () => {
    const started = Date.now();
    const ops = operationsOf(doc).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(ops.length).toBeGreaterThan(100);
    const sent: Sent[] = [];
    // a query the database refused as bad input (the exception filter's safety net) is a validation gap
    const gaps: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const gapCount = () => warn.mock.calls.filter((c) => String(c[1] ?? c[0]).includes('validation gap')).length;
    for (const op of ops) {
      const role = await pickRole(op);
      const inputs = inputsOf(op, role);
      const t0 = Date.now();
      for (let i = 0; i < inputs.length; i += CONCURRENCY) {
        const batch = inputs.slice(i, i + CONCURRENCY);
        const t1 = Date.now();
        const gapsBefore = gapCount();
        const results = await Promise.all(batch.map((x) => x.run()));
        if (gapCount() > gapsBefore) gaps.push(`${op.method} ${op.path} [one of: ${batch.map((b) => b.input).join(' | ')}]`);
        if (process.env.FUZZ_TRACE && Date.now() - t1 > 300)
          require('fs').appendFileSync(
            process.env.FUZZ_TRACE,
            `  slow batch ${Date.now() - t1}ms ${batch.map((b) => b.input).join(' | ')}\n`,
          );
        results.forEach((res, j) => sent.push({ op, input: batch[j].input, res }));
      }
      if (process.env.FUZZ_TRACE)
        require('fs').appendFileSync(process.env.FUZZ_TRACE, `${op.method} ${op.path} ${role} ${inputs.length} ${Date.now() - t0}ms\n`);
    }

    const serverErrors: string[] = [];
    const badShapes: string[] = [];
    for (const { op, input, res } of sent) {
      const where = `${op.method} ${op.path} [${input}]`;
      if (res instanceof Error) {
        serverErrors.push(`${where} → ${res.message}`);
        continue;
      }
      let body: { statusCode?: unknown; code?: unknown; message?: unknown; requestId?: unknown } = {};
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch {
        /* not JSON: checked below */
      }
      if (res.status >= 500) serverErrors.push(`${where} → ${res.status} ${String(body.code)}`);
      else if (res.status >= 400) {
        const shaped =
          body.statusCode === res.status &&
          typeof body.code === 'string' &&
          /^[A-Z][A-Z0-9_]*$/.test(body.code) &&
          typeof body.message === 'string' &&
          typeof body.requestId === 'string';
        if (!shaped) badShapes.push(`${where} → ${res.status} ${res.body.toString('utf8').slice(0, 120)}`);
      }
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    // the figures for the report: operations × inputs, and what failed
    process.stdout.write(
      `fuzz: ${ops.length} operations, ${sent.length} requests, ${serverErrors.length} 5xx, ${badShapes.length} bad 4xx bodies, ${gaps.length} validation gaps, ${seconds} s\n`,
    );
    warn.mockRestore();
    expect(serverErrors).toEqual([]);
    expect(badShapes).toEqual([]);
    expect(gaps).toEqual([]);

    // nothing half-written on disk: no partial files, and every stored file belongs to a row
    const keys = new Set<string>(
      (await t.db.query('SELECT storage_key AS k FROM homework_files UNION ALL SELECT storage_key FROM message_attachments')).map(
        (r: { k: string }) => r.k,
      ),
    );
    const stored = (await readdir(storage, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const orphans = stored.map((e) => relative(storage, join(e.parentPath, e.name))).filter((k) => !keys.has(k));
    expect(orphans).toEqual([]);
  });
});
