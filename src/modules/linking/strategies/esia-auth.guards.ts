import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Response } from 'express';
import { AuthorizationError, InternalOAuthError } from 'passport-oauth2';
import { requestClient } from '../../../common/decorators/client-info.decorator';
import { AppError, CommonErrorCode } from '../../../common/errors/app-error';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { unavailableDependency } from '../../../core/health/dependency-outages';
import { CallbackOutcome, EsiaSignInService } from '../esia-sign-in.service';
import { LinkingErrors } from '../linking.errors';
import { ESIA_OUTCOME_PROPERTY, esiaFlow, EsiaFlowRequest, noStore, readFlowCookie, setFlowCookie } from './esia-flow-request';
import { EsiaAuthenticateOptions, ESIA_STRATEGY } from './esia.strategy';

/**
 * GET /auth/esia/login: creates the state (Redis, bound to this browser by the cookie) and signs the
 * authorization request, then hands over to the `esia` strategy, which redirects to ESIA and ends the
 * response. When the flow cannot start the route's handler runs with `{ error: CODE }`; "come back in N
 * seconds" (pending states full, signer busy) is an HTTP answer with Retry-After instead, like the 429.
 *
 * @passportRedirectOnly passport only redirects through this guard; the strategy's validate runs on the callback.
 */
@Injectable()
export class EsiaLoginGuard extends AuthGuard(ESIA_STRATEGY) {
  constructor(
    private readonly flow: EsiaSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<EsiaFlowRequest>();
    const client = requestClient(req);
    try {
      req.esiaFlow = { client, started: await this.flow.start(req.query.intent, client) };
    } catch (e) {
      if (e instanceof AppError && e.retryAfterSec !== undefined) throw e;
      req[ESIA_OUTCOME_PROPERTY] = { error: startRefusalCode(e) };
      return true;
    }
    const res = context.switchToHttp().getResponse<Response>();
    setFlowCookie(res, this.config, req.esiaFlow.started!.browserSecret);
    noStore(res);
    return super.canActivate(context) as Promise<boolean>;
  }

  override getAuthenticateOptions(context: ExecutionContext): EsiaAuthenticateOptions {
    const req = context.switchToHttp().getRequest<EsiaFlowRequest>();
    return { session: false, property: ESIA_OUTCOME_PROPERTY, leg: 'authorization', signed: esiaFlow(req).started?.authorization };
  }

  /** Reached only when passport could not build the redirect. */
  override handleRequest<T = CallbackOutcome>(err: unknown): T {
    return { error: startRefusalCode(err ?? new Error('passport-oauth2 did not redirect')) } as T;
  }
}

/**
 * GET /auth/esia/callback: takes the state first (single use, this browser's: a replayed or foreign callback is
 * ESIA_STATE_INVALID whatever else it carries), refuses a malformed answer, signs the token request for the code,
 * then hands over to the `esia` strategy. Whatever happens, the handler gets where the browser goes:
 * `{ ticket }`, `{ linkTicket }` or `{ error: CODE }` (refusals are written to the login history).
 */
@Injectable()
export class EsiaCallbackGuard extends AuthGuard(ESIA_STRATEGY) {
  constructor(private readonly flow: EsiaSignInService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<EsiaFlowRequest>();
    const client = requestClient(req);
    try {
      req.esiaFlow = { client, opened: await this.flow.openCallback(req.query, readFlowCookie(req)) };
    } catch (e) {
      req[ESIA_OUTCOME_PROPERTY] = await this.flow.refusal(e, client);
      return true;
    }
    return super.canActivate(context) as Promise<boolean>;
  }

  override getAuthenticateOptions(context: ExecutionContext): EsiaAuthenticateOptions {
    const req = context.switchToHttp().getRequest<EsiaFlowRequest>();
    return { session: false, property: ESIA_OUTCOME_PROPERTY, leg: 'callback', signed: esiaFlow(req).opened?.token };
  }

  /**
   * The strategy's outcome, or what passport-oauth2 refused: ESIA's `error` answer (`access_denied` is a
   * failure, anything else an AuthorizationError), or the token exchange (our error, wrapped).
   */
  override handleRequest<T = Promise<CallbackOutcome>>(
    err: unknown,
    outcome: CallbackOutcome | false,
    _info: unknown,
    context: ExecutionContext,
  ): T {
    if (!err && outcome) return Promise.resolve(outcome) as T;
    const req = context.switchToHttp().getRequest<EsiaFlowRequest>();
    let refused: unknown = err;
    if (err instanceof InternalOAuthError) refused = err.oauthError;
    else if (err instanceof AuthorizationError || (!err && req.query.error !== undefined))
      refused = this.flow.authorizationRefusal(req.query.error, req.query.error_description);
    else if (!err) refused = LinkingErrors.stateInvalid(); // the state store found no taken state
    return this.flow.refusal(refused, esiaFlow(req).client) as T;
  }
}

function startRefusalCode(e: unknown): string {
  if (e instanceof AppError) return e.code;
  return unavailableDependency(e) ? CommonErrorCode.ServiceUnavailable : CommonErrorCode.InternalError;
}
