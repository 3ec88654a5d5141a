import { Role } from '../../src/common/auth/role';
import { assignTeacher, bearer, linkParent, login, makeClass, makeRegion, makeSchool, makeSubject, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('school structure administration', () => {
  let t: TestApp;
  let platform: string;
  let regionA: { id: string };
  let schoolA: { id: string };
  let schoolB: { id: string };
  let adminA: string;
  let adminB: string;
  let regionAdminA: string;

  beforeAll(async () => {
    t = await createTestApp();
    platform = (await login(t, await makeUser(t.db, { roles: [Role.PlatformAdmin], birthDate: '1980-01-01' }))).accessToken;
    regionA = await makeRegion(t.db);
    const regionB = await makeRegion(t.db);
    schoolA = await makeSchool(t.db, { regionId: regionA.id });
    schoolB = await makeSchool(t.db, { regionId: regionB.id });
    adminA = (await login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolA.id }))).accessToken;
    adminB = (await login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: schoolB.id }))).accessToken;
    regionAdminA = (await login(t, await makeUser(t.db, { roles: [Role.RegionAdmin], regionId: regionA.id }))).accessToken;
  });
  afterAll(() => t.close());

  it('lets a platform admin create, list and edit regions', async () => {
    const created = await t.http
      .post('/api/v1/admin/regions')
      .set(bearer(platform))
      .send({ code: '66', name: 'Свердловская область', timezone: 'Asia/Yekaterinburg' })
      .expect(201);
    expect(created.body).toEqual({ id: expect.any(String), code: '66', name: 'Свердловская область', timezone: 'Asia/Yekaterinburg' });
    const dup = await t.http.post('/api/v1/admin/regions').set(bearer(platform)).send({ code: '66', name: 'Другая' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('REGION_CODE_TAKEN');
    const patched = await t.http
      .patch(`/api/v1/admin/regions/${created.body.id}`)
      .set(bearer(platform))
      .send({ name: 'Свердловская обл.' })
      .expect(200);
    expect(patched.body.name).toBe('Свердловская обл.');
    const list = await t.http.get('/api/v1/admin/regions?limit=100').set(bearer(platform)).expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(created.body.id);
    expect(list.body).toMatchObject({ total: expect.any(Number), limit: 100, offset: 0 });
    // A school admin may not create regions.
    expect((await t.http.post('/api/v1/admin/regions').set(bearer(adminA)).send({ code: '67', name: 'Смоленская' })).status).toBe(403);
  });

  it('lets a region admin create schools only in their own region', async () => {
    const ok = await t.http
      .post('/api/v1/admin/schools')
      .set(bearer(regionAdminA))
      .send({ regionId: regionA.id, name: 'Лицей № 7' })
      .expect(201);
    expect(ok.body).toMatchObject({ regionId: regionA.id, name: 'Лицей № 7', timezone: 'Europe/Moscow' });
    const other = await t.http
      .post('/api/v1/admin/schools')
      .set(bearer(regionAdminA))
      .send({ regionId: (await makeRegion(t.db)).id, name: 'Чужая школа' });
    expect(other.status).toBe(404);
    expect((await t.http.post('/api/v1/admin/schools').set(bearer(adminA)).send({ regionId: regionA.id, name: 'X' })).status).toBe(403);
    const list = await t.http.get('/api/v1/admin/schools').set(bearer(regionAdminA)).expect(200);
    const ids = list.body.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([schoolA.id, ok.body.id]));
    expect(ids).not.toContain(schoolB.id);
  });

  it('scopes classes: a school admin of A manages A and gets 404 for B', async () => {
    const cls = await t.http
      .post('/api/v1/admin/classes')
      .set(bearer(adminA))
      .send({ schoolId: schoolA.id, name: '7а', academicYear: 2026 })
      .expect(201);
    expect(cls.body).toEqual({ id: expect.any(String), schoolId: schoolA.id, name: '7А', grade: 7, academicYear: 2026 });
    const classB = await makeClass(t.db, { schoolId: schoolB.id, name: '5Б' });

    const foreignGet = await t.http.get(`/api/v1/admin/classes/${classB.id}`).set(bearer(adminA));
    expect(foreignGet.status).toBe(404);
    expect(foreignGet.body.code).toBe('CLASS_NOT_FOUND');
    expect((await t.http.patch(`/api/v1/admin/classes/${classB.id}`).set(bearer(adminA)).send({ name: '5В' })).status).toBe(404);
    expect((await t.http.delete(`/api/v1/admin/classes/${classB.id}`).set(bearer(adminA))).status).toBe(404);
    expect(
      (await t.http.post('/api/v1/admin/classes').set(bearer(adminA)).send({ schoolId: schoolB.id, name: '6А', academicYear: 2026 }))
        .status,
    ).toBe(404);
    expect((await t.http.get(`/api/v1/admin/classes/${classB.id}`).set(bearer(adminB))).status).toBe(200);

    const listA = await t.http.get('/api/v1/admin/classes').set(bearer(adminA)).expect(200);
    expect(listA.body.items.every((c: { schoolId: string }) => c.schoolId === schoolA.id)).toBe(true);
    const spy = await t.http.get(`/api/v1/admin/classes?schoolId=${schoolB.id}`).set(bearer(adminA)).expect(200);
    expect(spy.body.items).toEqual([]);

    const dup = await t.http
      .post('/api/v1/admin/classes')
      .set(bearer(adminA))
      .send({ schoolId: schoolA.id, name: '7А', academicYear: 2026 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CLASS_ALREADY_EXISTS');
    const renamed = await t.http.patch(`/api/v1/admin/classes/${cls.body.id}`).set(bearer(adminA)).send({ name: '8А' }).expect(200);
    expect(renamed.body).toMatchObject({ name: '8А', grade: 8 });
  });

  it('reads a malformed id as 404, not 500', async () => {
    const res = await t.http.get('/api/v1/admin/classes/not-a-uuid').set(bearer(adminA));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('manages subjects and teacher assignments', async () => {
    const sub = await t.http
      .post('/api/v1/admin/subjects')
      .set(bearer(adminA))
      .send({ schoolId: schoolA.id, name: '  Алгебра  ' })
      .expect(201);
    expect(sub.body.name).toBe('Алгебра');
    const cls = await makeClass(t.db, { schoolId: schoolA.id });
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id });
    const assigned = await t.http
      .post('/api/v1/admin/teacher-assignments')
      .set(bearer(adminA))
      .send({ teacherId: teacher.id, classId: cls.id, subjectId: sub.body.id })
      .expect(201);
    expect(assigned.body).toMatchObject({ teacherId: teacher.id, className: cls.name, subjectName: 'Алгебра' });
    const again = await t.http
      .post('/api/v1/admin/teacher-assignments')
      .set(bearer(adminA))
      .send({ teacherId: teacher.id, classId: cls.id, subjectId: sub.body.id });
    expect(again.body.code).toBe('ASSIGNMENT_ALREADY_EXISTS');
    const student = await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id });
    const notTeacher = await t.http
      .post('/api/v1/admin/teacher-assignments')
      .set(bearer(adminA))
      .send({ teacherId: student.id, classId: cls.id, subjectId: sub.body.id });
    expect(notTeacher.status).toBe(400);
    expect(notTeacher.body.code).toBe('NOT_A_TEACHER_OF_SCHOOL');
    // Deleting a subject removes its teacher assignments with it.
    await t.http.delete(`/api/v1/admin/subjects/${sub.body.id}`).set(bearer(adminA)).expect(204);
    const list = await t.http.get(`/api/v1/admin/teacher-assignments?classId=${cls.id}`).set(bearer(adminA)).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('refuses to delete a class that still has students', async () => {
    const cls = await makeClass(t.db, { schoolId: schoolA.id });
    await makeUser(t.db, { roles: [Role.Student], schoolId: schoolA.id, classId: cls.id });
    const res = await t.http.delete(`/api/v1/admin/classes/${cls.id}`).set(bearer(adminA));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('STILL_IN_USE');
  });

  it('sets a class teacher and gives them the class_teacher role', async () => {
    const cls = await makeClass(t.db, { schoolId: schoolA.id });
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: schoolA.id });
    await t.http.put(`/api/v1/admin/classes/${cls.id}/class-teacher`).set(bearer(adminA)).send({ teacherId: teacher.id }).expect(200);
    const [row] = await t.db.query('SELECT roles FROM users WHERE id = $1', [teacher.id]);
    expect(row.roles).toEqual(['teacher', 'class_teacher']);
    const other = await makeClass(t.db, { schoolId: schoolA.id });
    const twice = await t.http.put(`/api/v1/admin/classes/${other.id}/class-teacher`).set(bearer(adminA)).send({ teacherId: teacher.id });
    expect(twice.body.code).toBe('ALREADY_CLASS_TEACHER');
    await t.http.delete(`/api/v1/admin/classes/${cls.id}/class-teacher`).set(bearer(adminA)).expect(204);
    const [after] = await t.db.query('SELECT roles FROM users WHERE id = $1', [teacher.id]);
    expect(after.roles).toEqual(['teacher']);
  });
});

describe('user administration', () => {
  let t: TestApp;
  let school: { id: string };
  let cls: { id: string };
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    school = await makeSchool(t.db);
    cls = await makeClass(t.db, { schoolId: school.id, name: '3В' });
    admin = (await login(t, await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id }))).accessToken;
  });
  afterAll(() => t.close());

  const student = (over: Record<string, unknown> = {}) => ({
    login: `Pupil.${Math.random().toString(36).slice(2, 8)}`,
    password: 'Start-2026!',
    lastName: 'Ёлкина',
    firstName: 'Анна',
    middleName: 'Петровна',
    birthDate: '2017-03-01',
    roles: ['student'],
    schoolId: school.id,
    classId: cls.id,
    ...over,
  });

  it('creates a student in a class with an encrypted SNILS and a parent linked to them', async () => {
    const body = student({ snils: '112-233-445 95' });
    const res = await t.http.post('/api/v1/admin/users').set(bearer(admin)).send(body).expect(201);
    expect(res.body).toMatchObject({
      login: body.login.toLowerCase(),
      classId: cls.id,
      hasSnils: true,
      roles: ['student'],
      schoolId: school.id,
    });
    expect(JSON.stringify(res.body)).not.toContain('11223344595');
    const [row] = await t.db.query('SELECT snils_encrypted, snils_hash FROM users WHERE id = $1', [res.body.id]);
    expect(row.snils_encrypted.toString('latin1')).not.toContain('11223344595');
    expect(row.snils_hash).toMatch(/^[0-9a-f]{64}$/);

    const parent = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send({ ...student(), roles: ['parent'], classId: undefined, birthDate: '1985-06-01', childIds: [res.body.id] })
      .expect(201);
    expect(parent.body.childIds).toEqual([res.body.id]);
    const { accessToken } = await login(t, { login: parent.body.login, password: 'Start-2026!' });
    const me = await t.http.get('/api/v1/me').set(bearer(accessToken)).expect(200);
    expect(me.body.children).toEqual([
      expect.objectContaining({ id: res.body.id, firstName: 'Анна', class: expect.objectContaining({ id: cls.id, name: '3В' }) }),
    ]);

    const sameSnils = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send(student({ snils: '11223344595' }));
    expect(sameSnils.status).toBe(409);
    expect(sameSnils.body.code).toBe('SNILS_TAKEN');
  });

  it('reports a bad SNILS checksum, an unknown field and a missing field, and writes nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM users');
    const res = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send({ ...student({ snils: '112-233-445 96', nickname: 'x' }), lastName: undefined });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'Данные запроса не прошли проверку',
      requestId: expect.any(String),
    });
    const byField = Object.fromEntries(res.body.details.map((d: { field: string; code: string; message: string }) => [d.field, d]));
    expect(byField.snils).toMatchObject({ code: 'isSnils', message: expect.stringContaining('СНИЛС') });
    expect(byField.nickname).toMatchObject({ code: 'whitelistValidation', message: 'Поле не предусмотрено' });
    expect(byField.lastName.code).toBeDefined();
    const after = await t.db.query('SELECT count(*)::int AS n FROM users');
    expect(after[0].n).toBe(before[0].n);
  });

  it('leaves nothing half-written when a later step fails (unknown child)', async () => {
    const login = `parent.${Math.random().toString(36).slice(2, 8)}`;
    const res = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send({ ...student(), login, roles: ['parent'], classId: undefined, childIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CHILD_NOT_FOUND');
    expect(await t.db.query('SELECT id FROM users WHERE login = $1', [login])).toEqual([]);
  });

  it('refuses roles above the caller and students without a school', async () => {
    const res = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send(student({ roles: ['platform_admin'], schoolId: undefined, classId: undefined }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
    const noSchool = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send(student({ schoolId: undefined, classId: undefined }));
    expect(noSchool.status).toBe(400);
    expect(noSchool.body.code).toBe('INVALID_USER_SETUP');
    const taken = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send(student({ login: 'dup.login' }));
    expect(taken.status).toBe(201);
    const again = await t.http
      .post('/api/v1/admin/users')
      .set(bearer(admin))
      .send(student({ login: 'DUP.login' }));
    expect(again.body.code).toBe('LOGIN_TAKEN');
  });

  it('moves a student to another class and searches users', async () => {
    const created = (
      await t.http
        .post('/api/v1/admin/users')
        .set(bearer(admin))
        .send(student({ lastName: 'Уникальнова' }))
        .expect(201)
    ).body;
    const other = await makeClass(t.db, { schoolId: school.id, name: '4В' });
    const moved = await t.http.patch(`/api/v1/admin/users/${created.id}`).set(bearer(admin)).send({ classId: other.id }).expect(200);
    expect(moved.body.classId).toBe(other.id);
    const hist = await t.db.query('SELECT class_id, ended_at FROM enrolments WHERE student_id = $1 ORDER BY started_at', [created.id]);
    expect(hist).toHaveLength(2);
    expect(hist[0].ended_at).not.toBeNull();
    const found = await t.http.get('/api/v1/admin/users?q=уникальн').set(bearer(admin)).expect(200);
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([created.id]);
    const inClass = await t.http.get(`/api/v1/admin/users?classId=${other.id}`).set(bearer(admin)).expect(200);
    expect(inClass.body.total).toBe(1);
  });

  it('hides users of other schools from a school admin', async () => {
    const foreign = await makeUser(t.db, { schoolId: (await makeSchool(t.db)).id });
    expect((await t.http.get(`/api/v1/admin/users/${foreign.id}`).set(bearer(admin))).status).toBe(404);
    expect((await t.http.post(`/api/v1/admin/users/${foreign.id}/unlock`).set(bearer(admin))).status).toBe(404);
    const list = await t.http.get('/api/v1/admin/users?limit=200').set(bearer(admin)).expect(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).not.toContain(foreign.id);
  });

  it('sets a new password', async () => {
    const u = await makeUser(t.db, { schoolId: school.id });
    await t.http.put(`/api/v1/admin/users/${u.id}/password`).set(bearer(admin)).send({ password: 'Brand-new-1' }).expect(204);
    await t.http.post('/api/v1/auth/login').send({ login: u.login, password: 'Brand-new-1' }).expect(200);
    expect((await t.http.post('/api/v1/auth/login').send({ login: u.login, password: u.password })).status).toBe(401);
  });
});

describe('row-level access to student cards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a parent reads only own children, a student only self, a teacher only their classes', async () => {
    const school = await makeSchool(t.db);
    const cls = await makeClass(t.db, { schoolId: school.id });
    const otherCls = await makeClass(t.db, { schoolId: school.id });
    const child = await makeUser(t.db, { schoolId: school.id, classId: cls.id, firstName: 'Миша' });
    const stranger = await makeUser(t.db, { schoolId: school.id, classId: otherCls.id });
    const parent = await makeUser(t.db, { roles: [Role.Parent], schoolId: school.id });
    await linkParent(t.db, parent.id, child.id);
    const teacher = await makeUser(t.db, { roles: [Role.Teacher], schoolId: school.id });
    await assignTeacher(t.db, teacher.id, cls.id, (await makeSubject(t.db, { schoolId: school.id })).id);

    const p = (await login(t, parent)).accessToken;
    const s = (await login(t, child)).accessToken;
    const tch = (await login(t, teacher)).accessToken;

    const card = await t.http.get(`/api/v1/students/${child.id}`).set(bearer(p)).expect(200);
    expect(card.body).toMatchObject({ id: child.id, firstName: 'Миша', class: { id: cls.id } });
    expect(card.body.birthDate).toBeUndefined();
    expect((await t.http.get(`/api/v1/students/${stranger.id}`).set(bearer(p))).status).toBe(404);
    expect((await t.http.get(`/api/v1/students/${child.id}`).set(bearer(s))).status).toBe(200);
    expect((await t.http.get(`/api/v1/students/${stranger.id}`).set(bearer(s))).status).toBe(404);
    expect((await t.http.get(`/api/v1/students/${child.id}`).set(bearer(tch))).status).toBe(200);
    expect((await t.http.get(`/api/v1/students/${stranger.id}`).set(bearer(tch))).status).toBe(404);
    // Admin routes are closed to parents and students.
    expect((await t.http.get('/api/v1/admin/users').set(bearer(p))).status).toBe(403);
  });
});
