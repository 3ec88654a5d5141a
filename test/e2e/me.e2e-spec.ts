import { Role } from '../../src/common/auth/role';
import { bearer, countQueries, linkParent, login, makeClass, makeSchool, makeUser } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** GET /me: what a phone app reads first — the person, their school and class, and a parent's children. */
describe('GET /me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  const schoolRef = async (id: string) => {
    const [s] = await t.db.query('SELECT id, name, region_id FROM schools WHERE id = $1', [id]);
    return { id: s.id, name: s.name, regionId: s.region_id };
  };

  it("gives a parent their own card and each child's class and school, children in Russian alphabetical order", async () => {
    const schoolA = await makeSchool(t.db);
    const schoolB = await makeSchool(t.db);
    const cls = await makeClass(t.db, { schoolId: schoolA.id, name: '5А', academicYear: 2026 });
    const parent = await makeUser(t.db, {
      roles: [Role.Parent],
      schoolId: schoolA.id,
      lastName: 'Смирнова',
      firstName: 'Ольга',
      middleName: 'Игоревна',
      birthDate: '1984-03-09',
    });
    const yana = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolA.id,
      classId: cls.id,
      lastName: 'Смирнова',
      firstName: 'Яна',
      middleName: null,
    });
    const ales = await makeUser(t.db, {
      roles: [Role.Student],
      schoolId: schoolB.id,
      lastName: 'Смирнов',
      firstName: 'Алёша',
      middleName: 'Петрович',
    });
    await linkParent(t.db, parent.id, yana.id);
    await linkParent(t.db, parent.id, ales.id);
    const { accessToken } = await login(t, parent);

    const { result: res, queries } = await countQueries(() => t.http.get('/api/v1/me').set(bearer(accessToken)).expect(200));
    expect(res.body).toEqual({
      id: parent.id,
      login: parent.login,
      lastName: 'Смирнова',
      firstName: 'Ольга',
      middleName: 'Игоревна',
      birthDate: '1984-03-09',
      roles: [Role.Parent],
      school: await schoolRef(schoolA.id),
      regionId: parent.regionId,
      class: null,
      children: [
        { id: ales.id, lastName: 'Смирнов', firstName: 'Алёша', middleName: 'Петрович', class: null, school: await schoolRef(schoolB.id) },
        {
          id: yana.id,
          lastName: 'Смирнова',
          firstName: 'Яна',
          middleName: null,
          class: { id: cls.id, name: '5А', academicYear: 2026 },
          school: await schoolRef(schoolA.id),
        },
      ],
    });
    expect(queries).toBe(1);
  });

  it('gives a student their current class, and someone without a school none', async () => {
    const school = await makeSchool(t.db);
    const old = await makeClass(t.db, { schoolId: school.id, name: '4Б', academicYear: 2025 });
    const cls = await makeClass(t.db, { schoolId: school.id, name: '5Б', academicYear: 2026 });
    const student = await makeUser(t.db, { roles: [Role.Student], schoolId: school.id, classId: old.id });
    await t.db.query('UPDATE enrolments SET ended_at = now() WHERE student_id = $1', [student.id]);
    await t.db.query('INSERT INTO enrolments (student_id, class_id) VALUES ($1, $2)', [student.id, cls.id]);
    const me = await t.http
      .get('/api/v1/me')
      .set(bearer((await login(t, student)).accessToken))
      .expect(200);
    expect(me.body).toMatchObject({
      id: student.id,
      roles: [Role.Student],
      class: { id: cls.id, name: '5Б', academicYear: 2026 },
      children: [],
      school: await schoolRef(school.id),
    });

    const admin = await makeUser(t.db, { roles: [Role.PlatformAdmin], schoolId: null, birthDate: undefined });
    const adminMe = await t.http
      .get('/api/v1/me')
      .set(bearer((await login(t, admin)).accessToken))
      .expect(200);
    expect(adminMe.body).toMatchObject({ id: admin.id, school: null, regionId: null, class: null, children: [] });
  });
});
