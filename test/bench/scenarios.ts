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

/** ISO week of a date, e.g. 2026-W48. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

async function routeExists(ctx: ScenarioContext, path: string, token: string): Promise<boolean> {
  const r = await fetch(`${ctx.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json().catch(() => ({}))) as { code?: string };
  return r.status !== 404 || body.code !== 'ROUTE_NOT_FOUND';
}

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
    name: 'login',
    title: 'POST /api/v1/auth/login (bcrypt-bound)',
    async prepare(ctx) {
      const { rows } = await ctx.db.query("SELECT login FROM users TABLESAMPLE SYSTEM (5) WHERE 'student' = ANY(roles) LIMIT 2000");
      if (rows.length === 0) return 'no users in the benchmark database';
      return { method: 'POST', connections: 8, requests: rows.map((r) => ({ path: '/api/v1/auth/login', body: { login: r.login, password: ctx.password } })) };
    },
  },
];

export { routeExists };
