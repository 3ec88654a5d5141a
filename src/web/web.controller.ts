import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators/public.decorator';
import { NoRateLimit } from '../common/decorators/rate-limit.decorator';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DIARY_CLIENT_JS } from './diary-client.generated';
import { WEB_INDEX_HTML, WEB_STYLES_CSS, webClientScript } from './web-client';

/** Same-origin only, no inline code; the script (and the client module it imports) talks to the API on the same origin. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

/** Paths of the reference web client (outside the /api/v1 prefix). */
export const WEB_PATHS = { index: '/', script: '/web/app.js', client: '/web/diary-client.js', styles: '/web/app.css' } as const;

/** The reference web client (not part of the API: excluded from OpenAPI, public by design). */
@ApiExcludeController()
@Public()
@NoRateLimit('three constant files served from memory: cheaper than the Redis round trip of a limit')
@Controller()
export class WebController {
  private readonly script: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // "Войти через Госуслуги" starts on the host of ESIA's redirect_uri (the callback reads the cookie there)
    this.script = webClientScript(
      config.esia ? new URL('login', config.esia.redirectUri).toString() : '/api/v1/auth/esia/login',
      WEB_PATHS.client,
    );
  }

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'text/html; charset=utf-8', WEB_INDEX_HTML, 'no-store');
  }

  @Get('web/app.js')
  appScript(@Res() res: Response): void {
    this.send(res, 'text/javascript; charset=utf-8', this.script, 'no-cache');
  }

  /** The typed client (client/) as one ES module: any page of this origin may import it. */
  @Get('web/diary-client.js')
  clientModule(@Res() res: Response): void {
    this.send(res, 'text/javascript; charset=utf-8', DIARY_CLIENT_JS, 'no-cache');
  }

  @Get('web/app.css')
  styles(@Res() res: Response): void {
    this.send(res, 'text/css; charset=utf-8', WEB_STYLES_CSS, 'no-cache');
  }

  private send(res: Response, type: string, body: string, cache: string): void {
    res.setHeader('Content-Security-Policy', WEB_CSP);
    res.setHeader('Cache-Control', cache);
    res.setHeader('Content-Type', type);
    res.status(200).send(body);
  }
}
