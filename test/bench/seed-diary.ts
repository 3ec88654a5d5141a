import { Client } from 'pg';
import { copyRows, withoutIndexes } from './bulk';
import type { Region } from './seed';

type Step = (table: string, fn: () => Promise<number>) => Promise<void>;

/** School year 2026/2027: Monday–Friday, six lessons a day, from 1 September to 31 May. */
export const YEAR_START = '2026-09-01';
export const YEAR_END = '2027-05-31';
/** Grades and attendance exist for the first half-year (up to the winter holidays). */
export const HALF_END = '2026-12-26';
const SLOTS = ['08:30', '09:25', '10:30', '11:25', '12:20', '13:15'];
const LESSON_MINUTES = 45;
const MSK = '+03:00';
/** Probability that a student gets a grade in a given lesson: ~100 grades per student in the half-year. */
const GRADE_P = 0.2;
const ABSENT_P = 0.03;
const HOMEWORK_EVERY = 4; // one lesson in four sets homework

const WORK_TYPES: Array<[string, number]> = [
  ['answer', 1],
  ['answer', 1],
  ['homework', 1],
  ['homework', 1],
  ['independent', 1.5],
  ['test', 1.5],
  ['control', 2],
];

function schoolDays(): string[] {
  const days: string[] = [];
  for (let d = new Date(`${YEAR_START}T00:00:00Z`); d <= new Date(`${YEAR_END}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    const wd = d.getUTCDay();
    if (wd >= 1 && wd <= 5) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

const addMinutes = (hhmm: string, m: number): string => {
  const [h, mm] = hhmm.split(':').map(Number);
  const t = h * 60 + mm + m;
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

/** Deterministic ids, so every table's generator can re-derive the lessons it refers to without keeping them. */
const lessonId = (n: number): string => `1e550000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const rowId = (prefix: string, n: number): string => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface LessonRef {
  n: number;
  schoolId: string;
  classId: string;
  students: string[];
  subjectId: string;
  teacherId: string;
  date: string;
  slot: number;
}

/** Every lesson of the year, in a fixed order: school → class → day → slot. */
function* lessons(region: Region, days: string[]): Generator<LessonRef> {
  let n = 0;
  for (const s of region.schools) {
    for (const [ci, c] of s.classes.entries()) {
      for (const [di, date] of days.entries()) {
        for (let slot = 0; slot < SLOTS.length; slot++) {
          const si = (di * SLOTS.length + slot + ci) % s.subjects.length;
          yield {
            n: n++,
            schoolId: s.id,
            classId: c.id,
            students: c.students,
            subjectId: s.subjects[si],
            teacherId: s.teachers[(ci * 3 + si) % s.teachers.length],
            date,
            slot,
          };
        }
      }
    }
  }
}

/** A cheap deterministic hash in [0, 1) of two integers (no state: every pass sees the same grades). */
const h = (a: number, b: number): number => {
  let x = (a * 374761393 + b * 668265263) | 0;
  x = Math.imul(x ^ (x >>> 13), 1274126177);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
};

export async function seedDiary(db: Client, region: Region, step: Step): Promise<void> {
  const days = schoolDays();

  await step('academic_periods', () =>
    copyRows(
      db,
      'academic_periods',
      ['school_id', 'academic_year', 'kind', 'name', 'starts_on', 'ends_on'],
      region.schools.flatMap((s) => [
        [s.id, 2026, 'term', 'I четверть', '2026-09-01', '2026-10-25'],
        [s.id, 2026, 'term', 'II четверть', '2026-11-05', '2026-12-28'],
        [s.id, 2026, 'term', 'III четверть', '2027-01-12', '2027-03-22'],
        [s.id, 2026, 'term', 'IV четверть', '2027-04-01', '2027-05-31'],
      ]),
    ),
  );

  await step('lessons', () =>
    withoutIndexes(db, 'lessons', () =>
      copyRows(
        db,
        'lessons',
        ['id', 'school_id', 'class_id', 'subject_id', 'teacher_id', 'date', 'start_time', 'end_time', 'starts_at', 'ends_at', 'room'],
        (function* () {
          for (const l of lessons(region, days)) {
            const start = SLOTS[l.slot];
            const end = addMinutes(start, LESSON_MINUTES);
            yield [
              lessonId(l.n),
              l.schoolId,
              l.classId,
              l.subjectId,
              l.teacherId,
              l.date,
              start,
              end,
              `${l.date}T${start}:00${MSK}`,
              `${l.date}T${end}:00${MSK}`,
              String(100 + (l.n % 40)),
            ];
          }
        })(),
      ),
    ),
  );

  await step('grades', () =>
    withoutIndexes(db, 'grades', () =>
      copyRows(
        db,
        'grades',
        [
          'id',
          'school_id',
          'student_id',
          'class_id',
          'subject_id',
          'lesson_id',
          'date',
          'scale',
          'value',
          'work_type',
          'weight',
          'entered_by',
          'created_at',
          'updated_at',
          'change_xid',
        ],
        (function* () {
          let g = 0;
          for (const l of lessons(region, days)) {
            if (l.date > HALF_END) continue;
            for (const [k, st] of l.students.entries()) {
              const r = h(l.n, k);
              if (r >= GRADE_P) continue;
              const value = r < 0.01 ? 2 : r < 0.06 ? 3 : r < 0.13 ? 4 : 5;
              const [wt, weight] = WORK_TYPES[(l.n + k) % WORK_TYPES.length];
              const at = `${l.date}T${SLOTS[l.slot]}:00${MSK}`;
              yield [
                rowId('9a0de000', g++),
                l.schoolId,
                st,
                l.classId,
                l.subjectId,
                lessonId(l.n),
                l.date,
                'five_point',
                value,
                wt,
                weight,
                l.teacherId,
                at,
                at,
                1,
              ];
            }
          }
        })(),
      ),
    ),
  );

  await step('attendance', () =>
    withoutIndexes(db, 'attendance', () =>
      copyRows(
        db,
        'attendance',
        ['id', 'lesson_id', 'student_id', 'class_id', 'school_id', 'subject_id', 'date', 'status', 'marked_by', 'change_xid'],
        (function* () {
          let a = 0;
          for (const l of lessons(region, days)) {
            if (l.date > HALF_END) continue;
            for (const [k, st] of l.students.entries()) {
              const r = h(k, l.n);
              if (r >= ABSENT_P) continue;
              yield [
                rowId('a77e0000', a++),
                lessonId(l.n),
                st,
                l.classId,
                l.schoolId,
                l.subjectId,
                l.date,
                r < 0.02 ? 'absent' : r < 0.025 ? 'late' : 'excused',
                l.teacherId,
                1,
              ];
            }
          }
        })(),
      ),
    ),
  );

  await step('homework', () =>
    withoutIndexes(db, 'homework', () =>
      copyRows(
        db,
        'homework',
        ['school_id', 'class_id', 'subject_id', 'lesson_id', 'teacher_id', 'text', 'due_date', 'due_at'],
        (function* () {
          for (const l of lessons(region, days)) {
            if (l.n % HOMEWORK_EVERY !== 0) continue;
            const due = new Date(`${l.date}T00:00:00Z`);
            due.setUTCDate(due.getUTCDate() + (due.getUTCDay() === 5 ? 3 : 1));
            const dueDate = due.toISOString().slice(0, 10);
            yield [
              l.schoolId,
              l.classId,
              l.subjectId,
              lessonId(l.n),
              l.teacherId,
              `§${1 + (l.n % 40)}, упражнения ${l.n % 300}–${(l.n % 300) + 3}`,
              dueDate,
              `${dueDate}T08:00:00${MSK}`,
            ];
          }
        })(),
      ),
    ),
  );
}
