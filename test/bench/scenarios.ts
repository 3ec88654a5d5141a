import { Client } from 'pg';

export interface MintedToken {
  userId: string;
  schoolId: string | null;
  token: string;
}

export interface Tokens {
  student: MintedToken[];
  parent: MintedToken[];
  teacher: MintedToken[];
  school_admin: MintedToken[];
}

export interface ScenarioContext {
  db: Client;
  tokens: Tokens;
  baseUrl: string;
  password: string;
}

export interface Prepared {
  method: 'GET' | 'POST';
  requests: Array<{ path: string; token?: string; body?: unknown }>;
  connections?: number;
  /** For batch scenarios: how many units (grades) one request carries. */
  unitsPerRequest?: number;
  unit?: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** The requests to cycle through, or a reason why the scenario cannot run. */
  prepare(ctx: ScenarioContext): Promise<Prepared | string>;
}

/** The benchmark region's "now": a Wednesday of the first half-year, with grades up to it. */
export const BENCH_WEEK = '2026-W48';
export const BENCH_TODAY = '2026-11-25';
export const BENCH_GRADE_FROM = '2026-11-23';

export const SCENARIOS: Scenario[] = [
  {
    name: 'baseline',
    title: 'GET /api/v1/ping (token check only)',
    async prepare(ctx) {
      return { method: 'GET', requests: ctx.tokens.student.map((t) => ({ path: '/api/v1/ping', token: t.token })) };
    },
  },
  {
    name: 'me',
    title: 'GET /api/v1/me (profile, class, children)',
    async prepare(ctx) {
      return { method: 'GET', requests: ctx.tokens.parent.map((t) => ({ path: '/api/v1/me', token: t.token })) };
    },
  },
  {
    name: 'week',
    title: "GET /api/v1/schedule/students/:id/week — a student's week with homework, grades, attendance",
    async prepare(ctx) {
      return {
        method: 'GET',
        requests: ctx.tokens.student.map((t) => ({
          path: `/api/v1/schedule/students/${t.userId}/week?week=${BENCH_WEEK}`,
          token: t.token,
        })),
      };
    },
  },
  {
    name: 'week-uncached',
    title: 'The same week view, each request for another week of the half-year (17 weeks × 2,000 students): the read cache cannot help',
    async prepare(ctx) {
      const weeks = Array.from({ length: 17 }, (_, i) => `2026-W${36 + i}`);
      return {
        method: 'GET',
        requests: weeks.flatMap((w) =>
          ctx.tokens.student.map((t) => ({ path: `/api/v1/schedule/students/${t.userId}/week?week=${w}`, token: t.token })),
        ),
      };
    },
  },
  {
    name: 'parent-overview',
    title: "A parent's overview of two children: the week of each (2 requests per overview)",
    async prepare(ctx) {
      const ids = ctx.tokens.parent.map((t) => t.userId);
      const { rows } = await ctx.db.query(
        'SELECT parent_id, array_agg(child_id ORDER BY child_id) AS children FROM parent_children WHERE parent_id = ANY($1) GROUP BY parent_id HAVING count(*) = 2',
        [ids],
      );
      if (rows.length === 0) return 'no parent with two children among the sampled parents';
      const token = new Map(ctx.tokens.parent.map((t) => [t.userId, t.token]));
      const requests = rows.flatMap((r: { parent_id: string; children: string[] }) =>
        r.children.map((c) => ({ path: `/api/v1/schedule/students/${c}/week?week=${BENCH_WEEK}`, token: token.get(r.parent_id)! })),
      );
      return { method: 'GET', requests, unitsPerRequest: 0.5, unit: 'overviews' };
    },
  },
  {
    name: 'journal',
    title: "GET /api/v1/grades/journal — a teacher's class journal for a term (25 students × ~25 lessons)",
    async prepare(ctx) {
      const ids = ctx.tokens.teacher.map((t) => t.userId);
      const { rows } = await ctx.db.query(
        `SELECT DISTINCT ON (ta.teacher_id) ta.teacher_id, ta.class_id, ta.subject_id, p.id AS period_id
           FROM teacher_assignments ta JOIN classes c ON c.id = ta.class_id
           JOIN academic_periods p ON p.school_id = c.school_id AND p.name = 'II четверть'
          WHERE ta.teacher_id = ANY($1) ORDER BY ta.teacher_id, ta.class_id`,
        [ids],
      );
      if (rows.length === 0) return 'no teacher assignments (was the diary seeded?)';
      const token = new Map(ctx.tokens.teacher.map((t) => [t.userId, t.token]));
      return {
        method: 'GET',
        requests: rows.map((r: { teacher_id: string; class_id: string; subject_id: string; period_id: string }) => ({
          path: `/api/v1/grades/journal?classId=${r.class_id}&subjectId=${r.subject_id}&periodId=${r.period_id}`,
          token: token.get(r.teacher_id)!,
        })),
      };
    },
  },
  {
    name: 'notifications',
    title: "GET /api/v1/notifications?limit=20 — a parent's notification list",
    async prepare(ctx) {
      return { method: 'GET', requests: ctx.tokens.parent.map((t) => ({ path: '/api/v1/notifications?limit=20', token: t.token })) };
    },
  },
  {
    name: 'grade-entry',
    title: 'POST /api/v1/grades/batch — 25 grades for one lesson per request',
    async prepare(ctx) {
      const ids = ctx.tokens.teacher.map((t) => t.userId);
      const { rows } = await ctx.db.query(
        `SELECT l.id, l.teacher_id, array_agg(e.student_id ORDER BY e.student_id) AS students
           FROM (SELECT DISTINCT ON (teacher_id) id, teacher_id, class_id FROM lessons
                  WHERE teacher_id = ANY($1) AND date BETWEEN $2 AND $3 ORDER BY teacher_id, date DESC) l
           JOIN enrolments e ON e.class_id = l.class_id AND e.ended_at IS NULL
          GROUP BY l.id, l.teacher_id`,
        [ids, BENCH_GRADE_FROM, BENCH_TODAY],
      );
      if (rows.length === 0) return 'no lessons this week for the sampled teachers';
      const token = new Map(ctx.tokens.teacher.map((t) => [t.userId, t.token]));
      const requests = rows.map((r: { id: string; teacher_id: string; students: string[] }, i: number) => ({
        path: '/api/v1/grades/batch',
        token: token.get(r.teacher_id)!,
        body: {
          lessonId: r.id,
          grades: r.students.slice(0, 25).map((s, k) => ({ studentId: s, value: 2 + ((i + k) % 4), workType: 'answer' })),
        },
      }));
      return { method: 'POST', requests, unitsPerRequest: 25, unit: 'grades' };
    },
  },
  {
    name: 'login',
    title: 'POST /api/v1/auth/login (bcrypt-bound)',
    async prepare(ctx) {
      const { rows } = await ctx.db.query("SELECT login FROM users TABLESAMPLE SYSTEM (5) WHERE 'student' = ANY(roles) LIMIT 2000");
      if (rows.length === 0) return 'no users in the benchmark database';
      return {
        method: 'POST',
        connections: 8,
        requests: rows.map((r) => ({ path: '/api/v1/auth/login', body: { login: r.login, password: ctx.password } })),
      };
    },
  },
];
