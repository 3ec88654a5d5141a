import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { buildOpenApiDocument } from '../../src/core/http/configure-app';

interface Observed {
  method: string;
  path: string;
  status: number;
  code: string;
  /** Set when the body lacks the error shape. */
  badBody?: string;
}

type Documented = Map<string, Map<number, Set<string>>>;

/**
 * Watches every error answer a test app sends and, when the app closes, checks each against the OpenAPI
 * document the app itself builds: the operation must list that status with that code, and the body must
 * have the error shape. So every e2e test doubles as a check that the documented error codes are the ones
 * the code really answers with.
 */
export function observeErrorContract(app: NestExpressApplication): { check(): void } {
  const seen = new Map<string, Observed>();
  app.use((req: Request, res: Response, next: NextFunction) => {
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (res.statusCode >= 400) {
        const route = (req as Request & { route?: { path?: string } }).route?.path;
        const b = body as { statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
        const shaped = typeof b?.code === 'string' && b.statusCode === res.statusCode && typeof b.message === 'string' && b.message !== '';
        if (route) {
          const o: Observed = {
            method: req.method.toLowerCase(),
            path: `${req.baseUrl}${route}`.replace(/:(\w+)/g, '{$1}'),
            status: res.statusCode,
            code: typeof b?.code === 'string' ? b.code : '',
            badBody: shaped ? undefined : JSON.stringify(body)?.slice(0, 200),
          };
          seen.set(`${o.method} ${o.path} ${o.status} ${o.code} ${o.badBody ?? ''}`, o);
        }
      }
      return json(body);
    };
    next();
  });
  return {
    check() {
      const documented = documentedErrors(app);
      const missing: string[] = [];
      for (const o of seen.values()) {
        const op = documented.get(`${o.method} ${o.path}`);
        if (!op) continue; // not in the document (the ESIA emulator speaks ESIA's own error format)
        if (o.badBody !== undefined) missing.push(`${o.method.toUpperCase()} ${o.path}: ${o.status} without the error body: ${o.badBody}`);
        else if (!op.get(o.status)?.has(o.code))
          missing.push(`${o.method.toUpperCase()} ${o.path}: ${o.status} ${o.code} is not documented`);
      }
      const problems = missing.sort();
      if (problems.length > 0) throw new Error(`The API answered outside its documented contract:\n${problems.join('\n')}`);
    },
  };
}

function documentedErrors(app: NestExpressApplication): Documented {
  const doc = buildOpenApiDocument(app) as unknown as {
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    components: { responses?: Record<string, unknown> };
  };
  const out: Documented = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const byStatus = new Map<number, Set<string>>();
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        byStatus.set(Number(status), new Set(codesOf(r, doc.components.responses ?? {})));
      }
      out.set(`${method} ${path}`, byStatus);
    }
  }
  return out;
}

function codesOf(response: unknown, shared: Record<string, unknown>): string[] {
  const ref = (response as { $ref?: string }).$ref;
  const r = (ref ? shared[ref.split('/').pop()!] : response) as {
    content?: Record<string, { schema?: { allOf?: Array<{ properties?: { code?: { enum?: string[] } } }> } }>;
  };
  return r.content?.['application/json']?.schema?.allOf?.flatMap((s) => s.properties?.code?.enum ?? []) ?? [];
}
