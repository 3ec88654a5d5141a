import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { AppError } from '../../common/errors/app-error';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenVerifier } from './access-token.verifier';
import { SessionCheck } from './session-check';
import { AccessTokenStrategy } from './strategies/access-token.strategy';
import { AccessClaims, principalFromClaims } from './token.service';

const CLAIMS: AccessClaims = { sub: 'u1', sid: 's1', roles: [Role.Parent], sch: null, reg: 'r1' };

class Handlers {
  open(): void {}
  closed(): void {}
}
Reflect.defineMetadata(IS_PUBLIC, true, Handlers.prototype.open);

const built: AccessTokenStrategy[] = [];

function setup(revoked = false, current?: Partial<Principal>) {
  const verify = jest.fn((token: string): AccessClaims => {
    if (token !== 'good.token.sig') throw new AppError('UNAUTHORIZED', 'Требуется вход в систему', 401);
    return CLAIMS;
  });
  // SessionCheck's own rules are tested in session-check.spec.ts and the e2e tests; here only what the guard does with its answer.
  const principalFor = jest.fn(async (c: AccessClaims): Promise<Principal> => {
    if (revoked) throw new AppError('SESSION_REVOKED', 'Сеанс завершён, войдите снова', 401);
    return { ...principalFromClaims(c), ...current };
  });
  // The strategy registers itself with passport, where the guard finds it by name.
  const strategy = new AccessTokenStrategy({ verify } as unknown as AccessTokenVerifier, { principalFor } as unknown as SessionCheck);
  built.push(strategy);
  const guard = new AccessTokenGuard(new Reflector());
  const run = async (authorization: string | undefined, handler: 'open' | 'closed' = 'closed') => {
    const req: { headers: Record<string, string | undefined>; user?: Principal } = { headers: { authorization } };
    const ctx = {
      getHandler: () => Handlers.prototype[handler],
      getClass: () => Handlers,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
    } as unknown as ExecutionContext;
    try {
      return { ok: await guard.canActivate(ctx), user: req.user };
    } catch (e) {
      return { code: (e as AppError).code, user: req.user };
    }
  };
  return { run, verify, principalFor };
}

describe('AccessTokenGuard', () => {
  afterEach(() => built.splice(0).forEach((s) => s.onModuleDestroy()));

  it('lets @Public() routes through without looking at the header', async () => {
    const { run, verify } = setup();
    expect(await run(undefined, 'open')).toEqual({ ok: true, user: undefined });
    expect(await run('Bearer junk', 'open')).toEqual({ ok: true, user: undefined });
    expect(verify).not.toHaveBeenCalled();
  });

  it('reads a Bearer token in any case of the scheme and sets request.user to the principal', async () => {
    const { run, principalFor } = setup();
    const principal = { userId: 'u1', sessionId: 's1', roles: [Role.Parent], schoolId: null, regionId: 'r1', authVersion: 0 };
    expect(await run('Bearer good.token.sig')).toEqual({ ok: true, user: principal });
    expect(await run('bearer good.token.sig')).toEqual({ ok: true, user: principal });
    expect(await run('BEARER   good.token.sig ')).toEqual({ ok: true, user: principal });
    expect(principalFor).toHaveBeenCalledWith(CLAIMS);
  });

  it('answers UNAUTHORIZED without a usable Bearer token', async () => {
    const { run, verify } = setup();
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic good.token.sig',
      'Token good.token.sig',
      'good.token.sig',
      'Bearer good.token.sig extra',
    ]) {
      expect(await run(h)).toEqual({ code: 'UNAUTHORIZED', user: undefined });
    }
    expect(verify).not.toHaveBeenCalled();
    expect(await run('Bearer bad.token.sig')).toEqual({ code: 'UNAUTHORIZED', user: undefined });
  });

  it('answers SESSION_REVOKED for a valid token of an ended session and sets no user', async () => {
    const { run } = setup(true);
    expect(await run('Bearer good.token.sig')).toEqual({ code: 'SESSION_REVOKED', user: undefined });
  });

  it('sets request.user to the current roles and placement when the account changed after the token was issued', async () => {
    const { run } = setup(false, { roles: [Role.Teacher], schoolId: 'sch2', authVersion: 4 });
    expect(await run('Bearer good.token.sig')).toEqual({
      ok: true,
      user: { userId: 'u1', sessionId: 's1', roles: [Role.Teacher], schoolId: 'sch2', regionId: 'r1', authVersion: 4 },
    });
  });
});
