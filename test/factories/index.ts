import * as bcrypt from 'bcrypt';
import { randomBytes, randomInt } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role';
import { formatSnils, snilsControl } from '../../src/common/validation/snils';
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
  return insert(db, 'regions', {
    code: o.code ?? `R${uniq()}`,
    name: o.name ?? `Регион ${uniq()}`,
    timezone: o.timezone ?? 'Europe/Moscow',
  });
}

export async function makeSchool(db: DataSource, o: Partial<{ regionId: string; name: string }> = {}) {
  const regionId = o.regionId ?? (await makeRegion(db)).id;
  return insert(db, 'schools', { region_id: regionId, name: o.name ?? `Школа № ${uniq()}` });
}

export async function makeClass(db: DataSource, o: { schoolId: string; name?: string; academicYear?: number }) {
  const name = o.name ?? `7-${uniq().toUpperCase()}`;
  return insert(db, 'classes', {
    school_id: o.schoolId,
    name,
    grade: Number(/^\d+/.exec(name)![0]),
    academic_year: o.academicYear ?? 2026,
  });
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
  o: Partial<{
    login: string;
    password: string;
    roles: Role[];
    schoolId: string | null;
    regionId: string | null;
    lastName: string;
    firstName: string;
    middleName: string | null;
    birthDate: string;
    classId: string;
    status: string;
  }> = {},
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

// ---- ESIA linking and region sign-in settings ---------------------------------------------------

/** A valid random SNILS (ПФР checksum), formatted XXX-XXX-XXX YY. */
export function newSnils(): string {
  const body = String(randomInt(1_002_000, 999_999_999)).padStart(9, '0');
  return formatSnils(`${body}${String(snilsControl(body)).padStart(2, '0')}`);
}

/** Stores a diary SNILS the way the app does (AES-256-GCM + keyed hash), through AdminUsersService. */
export async function setSnils(t: TestApp, userId: string, snils: string): Promise<void> {
  const { AdminUsersService } = await import('../../src/modules/users/admin-users.service');
  const platformAdmin = {
    userId: '00000000-0000-4000-8000-000000000000',
    sessionId: 'factory',
    roles: [Role.PlatformAdmin],
    schoolId: null,
    regionId: null,
  };
  await t.app.get(AdminUsersService).update(platformAdmin, userId, { snils });
}

/** Writes a region's sign-in settings row directly (defaults: ESIA on, transition running, no end). */
export async function setAuthSettings(
  db: DataSource,
  regionId: string,
  o: Partial<{ esiaEnabled: boolean; transitionStartsAt: Date | null; transitionEndsAt: Date | null; staffPasswordLogin: boolean }> = {},
): Promise<void> {
  await db.query(
    `INSERT INTO region_auth_settings (region_id, esia_enabled, transition_starts_at, transition_ends_at, staff_password_login)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (region_id) DO UPDATE SET esia_enabled = $2, transition_starts_at = $3, transition_ends_at = $4, staff_password_login = $5, updated_at = now()`,
    [regionId, o.esiaEnabled ?? true, o.transitionStartsAt ?? null, o.transitionEndsAt ?? null, o.staffPasswordLogin ?? false],
  );
}

/** Adds a test person to the app's ESIA emulator (its admin endpoint); returns the oid. */
export async function addEsiaPerson(
  t: TestApp,
  p: {
    lastName: string;
    firstName: string;
    middleName?: string;
    birthDate?: string;
    snils?: string;
    level?: 'simplified' | 'standard' | 'confirmed';
    oid?: string;
  },
): Promise<string> {
  if (!t.baseUrl) throw new Error('addEsiaPerson needs an app started with { listen: true }');
  const res = await fetch(`${t.baseUrl}/esia-emulator/admin/persons`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(p),
  });
  if (res.status !== 201) throw new Error(`emulator refused the person: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { oid: string }).oid;
}

// ---- messaging ---------------------------------------------------------------------------------

/** Makes `teacherId` the class teacher of `classId` (class_teachers row + class_teacher role). */
export async function makeClassTeacher(db: DataSource, teacherId: string, classId: string): Promise<void> {
  await db.query('INSERT INTO class_teachers (class_id, teacher_id) VALUES ($1, $2)', [classId, teacherId]);
  await db.query(`UPDATE users SET roles = array_append(roles, 'class_teacher') WHERE id = $1 AND NOT ('class_teacher' = ANY(roles))`, [
    teacherId,
  ]);
}

// ---- notifications and portal sync --------------------------------------------------------------

/** Polls until fn returns a truthy value (no fixed sleeps); throws with the label after the deadline. */
export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  label: string,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A school with one class and subject, its teacher, a student enrolled there and the student's parent. */
export async function makeClassWithFamily(db: DataSource, o: { schoolId?: string } = {}) {
  const schoolId = o.schoolId ?? (await makeSchool(db)).id;
  const cls = await makeClass(db, { schoolId });
  const subject = await makeSubject(db, { schoolId, name: 'Математика' });
  const teacher = await makeUser(db, { schoolId, roles: [Role.Teacher] });
  await assignTeacher(db, teacher.id, cls.id, subject.id);
  const student = await makeUser(db, { schoolId, roles: [Role.Student], classId: cls.id, firstName: 'Иван' });
  const parent = await makeUser(db, { schoolId, roles: [Role.Parent] });
  await linkParent(db, parent.id, student.id);
  return { schoolId, classId: cls.id, subjectId: subject.id, teacher, student, parent };
}

/** An active ESIA link of a user (what the linking flow writes). */
export async function linkEsiaAccount(
  db: DataSource,
  userId: string,
  oid = String(1_000_000 + Math.floor(Math.random() * 8_999_999)),
): Promise<string> {
  await db.query(`INSERT INTO esia_links (user_id, oid, method) VALUES ($1, $2, 'password')`, [userId, oid]);
  return oid;
}

/** Keys of a browser push subscription (a real P-256 key pair and auth secret, as PushSubscription.toJSON() gives). */
export function webPushKeys(): { p256dh: string; auth: string } {
  const { createECDH, randomBytes: rb } = require('node:crypto') as typeof import('node:crypto');
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: rb(16).toString('base64url') };
}

export interface SinkRequest {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpSink {
  url: string;
  port: number;
  requests: SinkRequest[];
  /** Status to answer with, per request (index = how many came before). */
  respond: (req: SinkRequest, index: number) => number;
  listen(port?: number): Promise<void>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for a push service or the portal: records every request. */
export async function startHttpSink(
  respond: (req: SinkRequest, index: number) => number = () => 201,
  o: { port?: number; listen?: boolean } = {},
): Promise<HttpSink> {
  const http = await import('node:http');
  const sink: HttpSink = {
    url: '',
    port: o.port ?? 0,
    requests: [],
    respond,
    async listen(port = sink.port) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      sink.port = (server.address() as { port: number }).port;
      sink.url = `http://127.0.0.1:${sink.port}`;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: SinkRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const index = sink.requests.length;
      sink.requests.push(r);
      res.statusCode = sink.respond(r, index);
      res.end('{}');
    });
  });
  if (o.listen !== false) await sink.listen(o.port ?? 0);
  else sink.url = `http://127.0.0.1:${sink.port}`;
  return sink;
}

/**
 * Another instance of the app on the SAME database and Redis prefix as `base` (several API instances,
 * or two workers). Only app.close() on it: the database belongs to `base`.
 */
export async function startPeerApp(
  base: TestApp,
  env: Record<string, string>,
  o: { listen?: boolean } = {},
): Promise<{ app: import('@nestjs/platform-express').NestExpressApplication; baseUrl: string | null; close(): Promise<void> }> {
  const { Test } = await import('@nestjs/testing');
  const { AppModule } = await import('../../src/app.module');
  const { loadConfig } = await import('../../src/config/app-config');
  const { configureApp } = await import('../../src/core/http/configure-app');
  const { TEST_ENV } = await import('../utils/create-test-app');
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: base.config.databaseUrl,
    REDIS_PREFIX: base.config.redisPrefix,
    REDIS_URL: base.config.redisUrl,
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<import('@nestjs/platform-express').NestExpressApplication>({ bufferLogs: true });
  configureApp(app, config);
  if (o.listen) await app.listen(config.port, '127.0.0.1');
  else await app.init();
  return { app, baseUrl: o.listen ? `http://127.0.0.1:${config.port}` : null, close: () => app.close() };
}

// ---- the diary (schedule, grades, homework) ------------------------------------------------------

/** A lesson row straight into the table (UTC instants computed for Europe/Moscow unless given). */
export async function makeLesson(
  db: DataSource,
  o: {
    schoolId: string;
    classId: string;
    subjectId: string;
    teacherId: string;
    date: string;
    startTime?: string;
    endTime?: string;
    room?: string | null;
    startsAt?: Date;
    substituteTeacherId?: string | null;
  },
): Promise<{ id: string }> {
  const start = o.startTime ?? '09:00';
  const end = o.endTime ?? '09:45';
  const startsAt = o.startsAt ?? new Date(Date.parse(`${o.date}T${start}:00+03:00`));
  const endsAt = new Date(startsAt.getTime() + (Date.parse(`1970-01-01T${end}:00Z`) - Date.parse(`1970-01-01T${start}:00Z`)));
  const [r] = await db.query(
    `INSERT INTO lessons (school_id, class_id, subject_id, teacher_id, substitute_teacher_id, date, start_time, end_time, starts_at, ends_at, room)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [o.schoolId, o.classId, o.subjectId, o.teacherId, o.substituteTeacherId ?? null, o.date, start, end, startsAt, endsAt, o.room ?? null],
  );
  return { id: r.id };
}

/** A school with a class, a subject, its teacher, students (with parents) and an admin, all signed in. */
export async function makeDiaryWorld(t: TestApp, o: { students?: number } = {}) {
  const school = await makeSchool(t.db);
  const cls = await makeClass(t.db, { schoolId: school.id, academicYear: 2026 });
  const subject = await makeSubject(t.db, { schoolId: school.id, name: `Математика ${uniq()}` });
  const teacherUser = await makeUser(t.db, {
    roles: [Role.Teacher],
    schoolId: school.id,
    lastName: 'Учителева',
    firstName: 'Мария',
    middleName: 'Петровна',
  });
  await assignTeacher(t.db, teacherUser.id, cls.id, subject.id);
  const adminUser = await makeUser(t.db, { roles: [Role.SchoolAdmin], schoolId: school.id });
  const students: MadeUser[] = [];
  for (let i = 0; i < (o.students ?? 3); i++) {
    students.push(
      await makeUser(t.db, {
        roles: [Role.Student],
        schoolId: school.id,
        classId: cls.id,
        lastName: `Ученик${String.fromCharCode(1040 + i)}`,
        firstName: 'Иван',
        login: `st${i}.${uniq()}`,
      }),
    );
  }
  const parentUser = await makeUser(t.db, { roles: [Role.Parent], schoolId: school.id, birthDate: '1985-01-01' });
  await linkParent(t.db, parentUser.id, students[0].id);
  const [teacher, admin, student, parent] = await Promise.all([
    login(t, teacherUser),
    login(t, adminUser),
    login(t, students[0]),
    login(t, parentUser),
  ]);
  return {
    school,
    cls,
    subject,
    teacherUser,
    adminUser,
    students,
    parentUser,
    tokens: { teacher: teacher.accessToken, admin: admin.accessToken, student: student.accessToken, parent: parent.accessToken },
  };
}

/** Counts SQL statements sent by every pg client of this process while `fn` runs (`texts`: their SQL, in order). */
export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number; texts: string[] }> {
  const { Client } = require('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const original = Client.prototype.query;
  let queries = 0;
  const texts: string[] = [];
  Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    queries++;
    const q = args[0];
    texts.push(typeof q === 'string' ? q : typeof (q as { text?: unknown })?.text === 'string' ? (q as { text: string }).text : '');
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, queries, texts };
  } finally {
    Client.prototype.query = original;
  }
}

// ---- two-factor sign-in --------------------------------------------------------------------------

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) written out by hand, so tests do not lean on the app's library. */
export function totpAt(secretBase32: string, step: number): string {
  const { createHmac } = require('node:crypto') as typeof import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

/**
 * A user's authenticator app: hands out codes the server accepts (its step ±1) and never a step it has
 * handed out before, since the server refuses a replay. A code of the previous step is used only while
 * the current step has more than 2 s left, so the server cannot have moved on meanwhile; when no step is
 * left it waits for the next 30-second step.
 */
export class Authenticator {
  private last = -Infinity;
  constructor(readonly secret: string) {}

  async next(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const cur = Math.floor(now / 30_000);
      const candidates = 30_000 - (now % 30_000) > 2_000 ? [cur - 1, cur, cur + 1] : [cur, cur + 1];
      const step = candidates.find((s) => s > this.last);
      if (step !== undefined) {
        this.last = step;
        return totpAt(this.secret, step);
      }
      await new Promise((r) => setTimeout(r, 30_000 - (now % 30_000) + 50));
    }
  }

  /** A code the server is sure to refuse as wrong (not one of the three it accepts now). */
  wrong(): string {
    const cur = Math.floor(Date.now() / 30_000);
    const near = new Set([cur - 2, cur - 1, cur, cur + 1, cur + 2].map((s) => totpAt(this.secret, s)));
    for (let n = 0; ; n++) {
      const code = String((123_456 + n * 7919) % 1_000_000).padStart(6, '0');
      if (!near.has(code)) return code;
    }
  }
}

/** Every file below a directory (the file storage of a test app), recursively; none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}
