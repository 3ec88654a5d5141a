import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../../config/app-config';
import { ClientInfo } from '../../auth/sessions.service';
import { ESIA_FLOW_TTL } from '../esia-flow.store';
import { CallbackOutcome, OpenedCallback, StartedFlow } from '../esia-sign-in.service';

/** The cookie that binds the OAuth state to the browser that started the flow. */
export const ESIA_FLOW_COOKIE = 'diary_esia_flow';
const COOKIE_PATH = '/api/v1/auth/esia';

/**
 * What the ESIA guards prepared for passport on this request (the asynchronous part: Redis and the GOST
 * signature), and what came out: `esiaOutcome` is where the browser goes next when it does not go to ESIA.
 */
export interface EsiaFlowContext {
  client: ClientInfo;
  /** GET /auth/esia/login: the state and the authorization request signed for it. */
  started?: StartedFlow;
  /** GET /auth/esia/callback: the purpose of the taken state, and the token request signed for the code. */
  opened?: OpenedCallback;
}

export const ESIA_OUTCOME_PROPERTY = 'esiaOutcome';

export type EsiaFlowRequest = Request & { esiaFlow?: EsiaFlowContext; [ESIA_OUTCOME_PROPERTY]?: CallbackOutcome };

export function esiaFlow(req: EsiaFlowRequest): EsiaFlowContext {
  if (!req.esiaFlow) throw new Error('the esia strategy runs only behind EsiaLoginGuard or EsiaCallbackGuard');
  return req.esiaFlow;
}

/** Where the browser goes when the flow did not redirect to ESIA (on a route behind an ESIA guard only). */
export const EsiaOutcome = createParamDecorator((_data: unknown, ctx: ExecutionContext): CallbackOutcome => {
  const outcome = ctx.switchToHttp().getRequest<EsiaFlowRequest>()[ESIA_OUTCOME_PROPERTY];
  if (!outcome) throw new Error('EsiaOutcome used on a route without an ESIA guard');
  return outcome;
});

export function readFlowCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === ESIA_FLOW_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

const cookieOptions = (config: AppConfig) =>
  ({ httpOnly: true, sameSite: 'lax', secure: config.nodeEnv === 'production', path: COOKIE_PATH }) as const;

export function setFlowCookie(res: Response, config: AppConfig, browserSecret: string): void {
  res.cookie(ESIA_FLOW_COOKIE, browserSecret, { ...cookieOptions(config), maxAge: ESIA_FLOW_TTL.state * 1000 });
}

export function clearFlowCookie(res: Response, config: AppConfig): void {
  res.clearCookie(ESIA_FLOW_COOKIE, cookieOptions(config));
}

/** Every redirect of the browser flow: never cached, and no Referer carrying the state or a ticket onwards. */
export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
}
