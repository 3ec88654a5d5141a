import { analyseErrors } from '../../tools/api-contract/analyse-errors';
import { staleness } from '../../tools/api-contract/generate';

/**
 * Files in which every error factory must have a doc comment saying when it happens (it becomes the "when" column
 * of docs/errors.md). To be extended to every `*.errors.ts`.
 */
const DOCUMENTED_FILES = [
  'src/common/errors/app-error.ts',
  'src/core/storage/storage.errors.ts',
  'src/modules/esia/esia.errors.ts',
  'src/modules/esia-links/esia-links.errors.ts',
  'src/modules/grades/grades.errors.ts',
  'src/modules/homework/homework.errors.ts',
  'src/modules/linking/linking.errors.ts',
  'src/modules/messaging/messaging.errors.ts',
  'src/modules/portal-sync/portal-sync.errors.ts',
  'src/modules/schedule/schedule.errors.ts',
  'src/modules/schools/schools.errors.ts',
  'src/modules/settings/settings.errors.ts',
  'src/modules/teaching/teaching.errors.ts',
  'src/modules/auth/auth.errors.ts',
  'src/modules/users/users.errors.ts',
  'src/modules/notifications/notifications.errors.ts',
];

/**
 * docs/errors.md and the per-route codes in the OpenAPI document are generated from the code
 * (tools/api-contract). A code added or moved without regenerating — or a factory the analysis
 * cannot read — fails here with the fix to run.
 */
describe('error catalogue', () => {
  const analysis = analyseErrors();

  it('is current: docs/errors.md and error-catalogue.generated.ts match the error factories (npm run contract), and the listed files document every factory', () => {
    const undocumented = analysis.factories
      .filter((f) => DOCUMENTED_FILES.includes(f.file) && !f.when)
      .map((f) => `${f.file}: ${f.name} has no doc comment saying when it happens`);
    expect([...staleness(analysis).filter((p) => !p.includes('no doc comment')), ...undocumented]).toEqual([]);
  });

  it('knows every file on the documented list (a renamed file must not drop out of the check)', () => {
    const withFactories = new Set(analysis.factories.map((f) => f.file));
    expect(DOCUMENTED_FILES.filter((f) => !withFactories.has(f))).toEqual([]);
  });

  it('defines each code once: no code is built by factories of two different *Errors objects', () => {
    const owners = (factories: string[]): string[] => [...new Set(factories.map((f) => f.split('.')[0]))];
    const shared = analysis.catalogue.filter((e) => owners(e.factories).length > 1).map((e) => `${e.code}: ${e.factories.join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('reads a status and a Russian message for every code', () => {
    for (const e of analysis.catalogue) {
      expect({ code: e.code, statuses: e.statuses.length > 0 }).toEqual({ code: e.code, statuses: true });
      expect({ code: e.code, message: e.messages.some((m) => /[а-яё]/i.test(m)) }).toEqual({ code: e.code, message: true });
    }
  });

  it('finds the codes of the routes it is given: sign-in can refuse with the lockout and the closed password login', () => {
    const login = analysis.routes.find((r) => r.handler === 'AuthController.login')!;
    expect(login.isPublic).toBe(true);
    expect(login.codes).toEqual(expect.arrayContaining(['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'PASSWORD_LOGIN_CLOSED']));
    expect(analysis.globals.authenticated).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'TOKEN_EXPIRED', 'SESSION_REVOKED']));
    expect(analysis.globals.roles).toEqual(['FORBIDDEN']);
  });
});
