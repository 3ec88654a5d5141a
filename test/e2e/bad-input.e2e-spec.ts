import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/common/auth/role';
import { bearer, login, makeDiaryWorld, makeUser } from '../factories';
import { createTestApp, freePort, TestApp } from '../utils/create-test-app';
import { closeAgent, deepObject, multipart, rawRequest } from '../utils/fuzz';

/**
 * The classes of bad input the fuzz test sweeps over every operation, each with the exact answer a
 * client gets: the code, and the field named in `details` (docs/security.md, "Bad input and outages").
 */
describe('bad input: the answers', () => {
  let t: TestApp;
  let port: number;
  let storage: string;
  let w: Awaited<ReturnType<typeof makeDiaryWorld>>;
  let platform: string;

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'diary-bad-input-'));
    port = await freePort();
    t = await createTestApp({ PORT: String(port), STORAGE_DIR: storage }, { listen: true });
    w = await makeDiaryWorld(t, { students: 1 });
    platform = (await login(t, await makeUser(t.db, { roles: [Role.PlatformAdmin] }))).accessToken;
  });
  afterAll(async () => {
    closeAgent();
    await t.close();
    await rm(storage, { recursive: true, force: true });
  });

  const json = (method: string, path: string, body: Buffer | string, token?: string) =>
    rawRequest(port, method, path, { 'content-type': 'application/json', ...(token ? bearer(token) : {}) }, Buffer.from(body));
  const parsed = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

  it('refuses a deeply nested body on the public sign-in before anything transforms it', async () => {
    const r = await json('POST', '/api/v1/auth/login', deepObject(3000));
    expect(r.status).toBe(400);
    expect(parsed(r)).toMatchObject({ code: 'MALFORMED_REQUEST', details: { limit: 'depth', max: 32 }, requestId: expect.any(String) });
    const wide = await json('POST', '/api/v1/auth/refresh', JSON.stringify({ refreshToken: new Array(5000).fill('x') }));
    expect(parsed(wide)).toMatchObject({ code: 'MALFORMED_REQUEST', details: { field: 'refreshToken', limit: 'arrayLength', max: 1000 } });
  });

  it('refuses NUL bytes, lone surrogates and invalid UTF-8 naming the field, signed in or not', async () => {
    const nul = await json('POST', '/api/v1/auth/login', JSON.stringify({ login: 'a\u0000b', password: 'x' }));
    expect(nul.status).toBe(400);
    expect(parsed(nul)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'login', code: 'noNulBytes' }] });
    const lone = await json(
      'POST',
      '/api/v1/homework',
      JSON.stringify({ classId: w.cls.id, subjectId: w.subject.id, text: 'x\ud800', dueDate: '2026-12-30' }),
      w.tokens.teacher,
    );
    expect(parsed(lone)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'text', code: 'wellFormedUnicode' }] });
    const bytes = await json(
      'POST',
      '/api/v1/auth/login',
      Buffer.concat([Buffer.from('{"login":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","password":"x"}')]),
    );
    expect(parsed(bytes)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body', code: 'wellFormedUnicode' }] });
    const query = await rawRequest(port, 'GET', '/api/v1/admin/users?q=%D0%98%00', bearer(w.tokens.admin));
    expect(parsed(query)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'q', code: 'noNulBytes' }] });
    const path = await rawRequest(port, 'GET', '/api/v1/homework/%FF', bearer(w.tokens.teacher));
    expect(parsed(path)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'path', code: 'wellFormedUnicode' }] });
  });

  it('treats null in a PATCH as a value to refuse, not as "leave it", where the column cannot be empty', async () => {
    for (const [path, field] of [
      [`/api/v1/admin/classes/${w.cls.id}`, 'name'],
      [`/api/v1/admin/schools/${w.school.id}`, 'name'],
      [`/api/v1/admin/users/${w.students[0].id}`, 'lastName'],
    ]) {
      const r = await json('PATCH', path, JSON.stringify({ [field]: null }), w.tokens.admin);
      expect([path, r.status]).toEqual([path, 400]);
      expect(parsed(r).details).toContainEqual(expect.objectContaining({ field, code: 'isNotNull' }));
    }
    const [{ region_id: regionId }] = await t.db.query('SELECT region_id FROM schools WHERE id = $1', [w.school.id]);
    expect(
      parsed(await json('PATCH', `/api/v1/admin/regions/${regionId}`, JSON.stringify({ timezone: null }), platform)).details,
    ).toContainEqual(expect.objectContaining({ field: 'timezone', code: 'isNotNull' }));
    // a field that may really be cleared still takes null
    const cleared = await json('PATCH', `/api/v1/admin/users/${w.students[0].id}`, JSON.stringify({ middleName: null }), w.tokens.admin);
    expect(cleared.status).toBe(200);
    expect(parsed(cleared).middleName).toBeNull();
  });

  it('takes only plain bounded integers as numbers in the query', async () => {
    for (const v of ['1e308', '-1', 'NaN', '1e3', '0x10', '1.5', '99999999999999999999']) {
      const r = await rawRequest(port, 'GET', `/api/v1/admin/classes?offset=${v}`, bearer(w.tokens.admin));
      expect([v, r.status, parsed(r).details?.[0]?.field]).toEqual([v, 400, 'offset']);
    }
    expect((await rawRequest(port, 'GET', '/api/v1/admin/classes?offset=1000000&limit=200', bearer(w.tokens.admin))).status).toBe(200);
    const cursor = await rawRequest(port, 'GET', '/api/v1/notifications?cursor=9223372036854775808', bearer(w.tokens.student));
    expect(parsed(cursor)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'cursor' }] });
    expect((await rawRequest(port, 'POST', '/api/v1/notifications/9223372036854775808/read', bearer(w.tokens.student))).status).toBe(404);
  });

  it('answers broken multipart with a code and leaves nothing on disk or in the database', async () => {
    const hw = parsed(
      await json(
        'POST',
        '/api/v1/homework',
        JSON.stringify({ classId: w.cls.id, subjectId: w.subject.id, text: 'Задание', dueDate: '2026-12-30' }),
        w.tokens.teacher,
      ),
    );
    const b = 'b0undary';
    const send = (body: Buffer, type = `multipart/form-data; boundary=${b}`) =>
      rawRequest(port, 'POST', `/api/v1/homework/${hw.id}/attachments`, { 'content-type': type, ...bearer(w.tokens.teacher) }, body);
    const file = { name: 'files', filename: 'a.txt', contentType: 'text/plain', data: 'hello' };
    const cases: Array<[string, Buffer, string?]> = [
      ['MALFORMED_UPLOAD', multipart(b, [{ ...file, name: undefined }])],
      ['MALFORMED_UPLOAD', multipart(b, [file], { close: false }).subarray(0, 60)],
      ['MALFORMED_UPLOAD', multipart(b, [file]), 'multipart/form-data; boundary=other'],
      ['MALFORMED_UPLOAD', multipart(b, [file, { name: 'x[y]', data: 'z' }])],
      ['TOO_MANY_PARTS', multipart(b, [file, ...Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: 'v' }))])],
      ['FIELD_TOO_LARGE', multipart(b, [file, { name: 'note', data: 'x'.repeat(70 * 1024) }])],
      ['VALIDATION_FAILED', multipart(b, [{ ...file, filename: Buffer.from([0x61, 0xff, 0x2e, 0x74, 0x78, 0x74]) }])],
    ];
    for (const [code, body, type] of cases) {
      const r = await send(body, type);
      expect([code, r.status >= 400 && r.status < 500, parsed(r).code]).toEqual([code, true, code]);
    }
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM homework_files WHERE homework_id = $1', [hw.id]);
    expect(n).toBe(0);
    const left = await readdir(storage, { recursive: true, withFileTypes: true });
    expect(left.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
  });
});
