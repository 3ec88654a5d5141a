import { analyseErrors } from '../../tools/api-contract/analyse-errors';
import { staleness } from '../../tools/api-contract/generate';

/**
 * docs/errors.md and the per-route codes in the OpenAPI document are generated from the code
 * (tools/api-contract). A code added or moved without regenerating — or a factory the analysis
 * cannot read — fails here with the fix to run.
 */
describe('error catalogue', () => {
  const analysis = analyseErrors();

  it('is current: docs/errors.md and error-catalogue.generated.ts match the error factories (npm run contract)', () => {
    expect(staleness(analysis).filter((p) => !p.includes('no doc comment'))).toEqual([]);
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
