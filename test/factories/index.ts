import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role';
import type { TestApp } from '../utils/create-test-app';

/**
 * Factories persist rows straight into the test database with overridable defaults.
 * Unique values come from a random suffix, so factories never collide within a database.
 */
const uniq = (): string => randomBytes(4).toString('hex');
const DEFAULT_PASSWORD = 'Passw0rd-test';
const hashCache = new Map<string, string>();
const hash = (password: string): string => {
  let h = hashCache.get(password);
  if (!h) hashCache.set(password, (h = bcrypt.hashSync(password, 4)));
  return h;
};

async function insert<T extends Record<string, unknown>>(db: DataSource, table: string, row: T): Promise<T & { id: string }> {
  const cols = Object.keys(row);
  const sql = `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
  const [r] = await db.query(sql, Object.values(row));
  return { ...row, id: r.id as string };
}

export async function makeRegion(db: DataSource, o: Partial<{ code: string; name: string; timezone: string }> = {}) {
  return insert(db, 'regions', { code: o.code ?? `R${uniq()}`, name: o.name ?? `Регион ${uniq()}`, timezone: o.timezone ?? 'Europe/Moscow' });
}

export async function makeSchool(db: DataSource, o: Partial<{ regionId: string; name: string }> = {}) {
  const regionId = o.regionId ?? (await makeRegion(db)).id;
  return insert(db, 'schools', { region_id: regionId, name: o.name ?? `Школа № ${uniq()}` });
}

export async function makeClass(db: DataSource, o: { schoolId: string; name?: string; academicYear?: number }) {
  const name = o.name ?? `7-${uniq().toUpperCase()}`;
  return insert(db, 'classes', { school_id: o.schoolId, name, grade: Number(/^\d+/.exec(name)![0]), academic_year: o.academicYear ?? 2026 });
}

export async function makeSubject(db: DataSource, o: { schoolId: string; name?: string }) {
  return insert(db, 'subjects', { school_id: o.schoolId, name: o.name ?? `Предмет ${uniq()}` });
}

export interface MadeUser {
  id: string;
  login: string;
  password: string;
  roles: Role[];
  schoolId: string | null;
  regionId: string | null;
}

export async function makeUser(
  db: DataSource,
  o: Partial<{ login: string; password: string; roles: Role[]; schoolId: string | null; regionId: string | null; lastName: string; firstName: string; middleName: string | null; birthDate: string; classId: string; status: string }> = {},
): Promise<MadeUser> {
  const login = o.login ?? `user.${uniq()}`;
  const password = o.password ?? DEFAULT_PASSWORD;
  const roles = o.roles ?? [Role.Student];
  let regionId = o.regionId ?? null;
  if (o.schoolId && !regionId) [{ region_id: regionId }] = await db.query('SELECT region_id FROM schools WHERE id = $1', [o.schoolId]);
  const row = await insert(db, 'users', {
    login,
    password_hash: hash(password),
    roles,
    last_name: o.lastName ?? 'Тестов',
    first_name: o.firstName ?? 'Тест',
    middle_name: o.middleName ?? null,
    birth_date: o.birthDate ?? '2010-01-15',
    school_id: o.schoolId ?? null,
    region_id: regionId,
    status: o.status ?? 'active',
  });
  if (o.classId) await db.query('INSERT INTO enrolments (student_id, class_id) VALUES ($1, $2)', [row.id, o.classId]);
  return { id: row.id, login, password, roles, schoolId: o.schoolId ?? null, regionId };
}

export async function linkParent(db: DataSource, parentId: string, childId: string): Promise<void> {
  await db.query('INSERT INTO parent_children (parent_id, child_id) VALUES ($1, $2)', [parentId, childId]);
}

export async function assignTeacher(db: DataSource, teacherId: string, classId: string, subjectId: string): Promise<void> {
  await db.query('INSERT INTO teacher_assignments (teacher_id, class_id, subject_id) VALUES ($1, $2, $3)', [teacherId, classId, subjectId]);
}

/** Signs in through the real login route and returns the token pair. */
export async function login(t: TestApp, user: { login: string; password: string }): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await t.http.post('/api/v1/auth/login').send({ login: user.login, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
