/**
 * `npm run bench:seed -- --students N`: a realistic region in a separate database (BENCH_DATABASE_URL,
 * default diary_bench), loaded with COPY. Prints rows per table and the time taken.
 * Schools of ~500 students in classes of 25, 12 subjects, a parent for every student (some with two
 * children), teachers and admins; then the diary (see seedDiary).
 */
import * as bcrypt from 'bcrypt';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { ensureDatabaseExists, runMigrations } from '../../src/core/database/prepare-database';
import { copyRows, withoutIndexes } from './bulk';
import { adminUrl, arg, BENCH_DATA_KEY, BENCH_DB, BENCH_PASSWORD, connect, dbName } from './common';
import { seedDiary } from './seed-diary';

export const STUDENTS_PER_CLASS = 25;
export const CLASSES_PER_SCHOOL = 20;
export const SUBJECTS = [
  'Математика',
  'Русский язык',
  'Литература',
  'История',
  'Обществознание',
  'География',
  'Биология',
  'Физика',
  'Химия',
  'Английский язык',
  'Информатика',
  'Физкультура',
];
const TEACHERS_PER_SCHOOL = 30;

const LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
];
const FIRST_M = ['Александр', 'Максим', 'Иван', 'Артём', 'Дмитрий', 'Никита', 'Михаил', 'Даниил', 'Егор', 'Андрей'];
const FIRST_F = ['Анна', 'Мария', 'Елена', 'Дарья', 'Алиса', 'Полина', 'Виктория', 'Екатерина', 'София', 'Ксения'];
const MIDDLE_M = ['Александрович', 'Сергеевич', 'Дмитриевич', 'Андреевич', 'Игоревич'];
const MIDDLE_F = ['Александровна', 'Сергеевна', 'Дмитриевна', 'Андреевна', 'Игоревна'];

let seedState = 42;
export const rnd = (): number => {
  // xorshift32: deterministic, so two runs build the same region
  seedState ^= seedState << 13;
  seedState ^= seedState >>> 17;
  seedState ^= seedState << 5;
  return (seedState >>> 0) / 4294967296;
};
export const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

function person(female: boolean): [string, string, string] {
  const last = pick(LAST);
  return female ? [`${last}а`, pick(FIRST_F), pick(MIDDLE_F)] : [last, pick(FIRST_M), pick(MIDDLE_M)];
}

export interface Region {
  regionId: string;
  schools: Array<{
    id: string;
    classes: Array<{ id: string; grade: number; students: string[] }>;
    subjects: string[];
    teachers: string[];
    admin: string;
  }>;
}

async function recreate(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName()}" WITH (FORCE)`);
  await admin.end();
  await ensureDatabaseExists(BENCH_DB);
  await runMigrations(loadConfig({ NODE_ENV: 'test', DATABASE_URL: BENCH_DB, DATA_ENCRYPTION_KEY: BENCH_DATA_KEY }));
}

async function main(): Promise<void> {
  const students = Number(arg('students', '100000'));
  const started = Date.now();
  const timings: Array<[string, number, number]> = [];
  const step = async (table: string, fn: () => Promise<number>): Promise<void> => {
    const t0 = Date.now();
    const n = await fn();
    timings.push([table, n, Date.now() - t0]);
    process.stderr.write(`  ${table}: ${n.toLocaleString('en')} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  };

  process.stderr.write(`Building ${dbName()} with ${students.toLocaleString('en')} students…\n`);
  await recreate();
  const db = await connect();
  await db.query('SET synchronous_commit = off');
  try {
    const hash = bcrypt.hashSync(BENCH_PASSWORD, 11);
    const regionId = randomUUID();
    await db.query("INSERT INTO regions (id, code, name) VALUES ($1, 'BENCH', 'Нагрузочный регион')", [regionId]);
    const nSchools = Math.max(1, Math.round(students / (STUDENTS_PER_CLASS * CLASSES_PER_SCHOOL)));
    const region: Region = { regionId, schools: [] };
    let studentNo = 0;
    for (let s = 0; s < nSchools; s++) {
      const school = {
        id: randomUUID(),
        classes: [] as Region['schools'][number]['classes'],
        subjects: SUBJECTS.map(() => randomUUID()),
        teachers: [] as string[],
        admin: randomUUID(),
      };
      for (let c = 0; c < CLASSES_PER_SCHOOL && studentNo < students; c++) {
        const cls = { id: randomUUID(), grade: 1 + (c % 11), students: [] as string[] };
        for (let k = 0; k < STUDENTS_PER_CLASS && studentNo < students; k++, studentNo++) cls.students.push(randomUUID());
        school.classes.push(cls);
      }
      for (let t = 0; t < TEACHERS_PER_SCHOOL; t++) school.teachers.push(randomUUID());
      region.schools.push(school);
    }

    await step('schools', () =>
      copyRows(
        db,
        'schools',
        ['id', 'region_id', 'name'],
        region.schools.map((s, i) => [s.id, regionId, `Школа № ${i + 1}`]),
      ),
    );
    await step('classes', () =>
      copyRows(
        db,
        'classes',
        ['id', 'school_id', 'name', 'grade', 'academic_year'],
        region.schools.flatMap((s) => s.classes.map((c, i) => [c.id, s.id, `${c.grade}${'АБВГ'[Math.floor(i / 11)]}`, c.grade, 2026])),
      ),
    );
    await step('subjects', () =>
      copyRows(
        db,
        'subjects',
        ['id', 'school_id', 'name'],
        region.schools.flatMap((s) => s.subjects.map((id, i) => [id, s.id, SUBJECTS[i]])),
      ),
    );

    const cols = [
      'id',
      'login',
      'password_hash',
      'roles',
      'last_name',
      'first_name',
      'middle_name',
      'birth_date',
      'school_id',
      'region_id',
    ];
    const parentOf = new Map<string, string>();
    await step('users', () =>
      withoutIndexes(db, 'users', async () => {
        let n = 0;
        function* users(): Generator<unknown[]> {
          for (const [si, s] of region.schools.entries()) {
            yield [s.admin, `admin.${si}`, hash, ['school_admin'], ...person(true), '1975-01-01', s.id, regionId];
            for (const [ti, t] of s.teachers.entries())
              yield [t, `teacher.${si}.${ti}`, hash, ['teacher'], ...person(rnd() < 0.8), '1980-06-15', s.id, regionId];
            for (const c of s.classes) {
              for (const st of c.students) {
                const n2 = n++;
                yield [
                  st,
                  `student.${n2}`,
                  hash,
                  ['student'],
                  ...person(rnd() < 0.5),
                  `${2026 - 6 - c.grade}-0${1 + (n2 % 9)}-1${n2 % 9}`,
                  s.id,
                  regionId,
                ];
                // Every fourth family has a second child: the next student of the school shares this parent.
                const sibling = n2 % 4 === 1 && parentOf.has(`prev:${s.id}`);
                const parent = sibling ? parentOf.get(`prev:${s.id}`)! : randomUUID();
                parentOf.set(st, parent);
                parentOf.set(`prev:${s.id}`, parent);
                if (!sibling) yield [parent, `parent.${n2}`, hash, ['parent'], ...person(rnd() < 0.7), '1985-03-03', s.id, regionId];
              }
            }
          }
        }
        return copyRows(db, 'users', cols, users());
      }),
    );
    await step('enrolments', () =>
      copyRows(
        db,
        'enrolments',
        ['student_id', 'class_id'],
        region.schools.flatMap((s) => s.classes.flatMap((c) => c.students.map((st) => [st, c.id]))),
      ),
    );
    await step('parent_children', () =>
      copyRows(
        db,
        'parent_children',
        ['parent_id', 'child_id'],
        region.schools.flatMap((s) => s.classes.flatMap((c) => c.students.map((st) => [parentOf.get(st), st]))),
      ),
    );
    await step('teacher_assignments', () =>
      copyRows(
        db,
        'teacher_assignments',
        ['teacher_id', 'class_id', 'subject_id'],
        region.schools.flatMap((s) =>
          s.classes.flatMap((c, ci) => s.subjects.map((sub, si) => [s.teachers[(ci * 3 + si) % s.teachers.length], c.id, sub])),
        ),
      ),
    );

    await seedDiary(db, region, step);

    const t0 = Date.now();
    await db.query('VACUUM (ANALYZE)');
    timings.push(['vacuum analyze', 0, Date.now() - t0]);
    const { rows } = await db.query('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
    process.stdout.write(
      `\n| table | rows | seconds |\n|---|---|---|\n${timings.map(([t, n, ms]) => `| ${t} | ${n.toLocaleString('en')} | ${(ms / 1000).toFixed(1)} |`).join('\n')}\n`,
    );
    process.stdout.write(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s; database ${rows[0].size}\n`);
  } finally {
    await db.end();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
