import { RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NestExpressBodyParserOptionsFor } from '@nestjs/platform-express/interfaces/nest-express-body-parser.interface';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DependencyOutages } from '../health/dependency-outages';
import { assignRequestId } from '../logging/logging.module';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { compressionMiddleware, corsMiddleware } from './cors-and-compression';
import { BODY_LIMITS, bodyGuard, urlGuard, verifyUtf8 } from './input-guard';
import { buildOpenApiDocument } from './openapi/document';
import { createValidationPipe } from './validation';

export const API_PREFIX = 'api/v1';

export { buildOpenApiDocument };

/** Everything main.ts does to the HTTP app, shared with the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    assignRequestId(req, res);
    next();
  });
  app.use(corsMiddleware(config));
  app.use(compressionMiddleware());
  // Bad input is refused before any route sees it (limits in input-guard.ts, docs/security.md):
  // the URL's text, then the body's bytes (UTF-8), then the parsed body's depth, width and strings.
  app.use(urlGuard);
  // `verify` is left out of Nest's option types (it is where rawBody hooks in) but passed on to body-parser
  app.useBodyParser('json', { limit: BODY_LIMITS.maxBytes, verify: verifyUtf8 } as NestExpressBodyParserOptionsFor<'json'>);
  app.useBodyParser('urlencoded', {
    limit: BODY_LIMITS.maxBytes,
    extended: true,
    verify: verifyUtf8,
  } as NestExpressBodyParserOptionsFor<'urlencoded'>);
  app.use(bodyGuard);

  const strict = helmet();
  // Swagger UI needs inline styles and scripts; everything else gets the strict policy.
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    (req.path.startsWith('/api/docs') ? docs : strict)(req as never, res as never, next),
  );

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      // ESIA emulator (development/tests only): served at ESIA-like paths under /esia-emulator
      { path: 'esia-emulator/{*path}', method: RequestMethod.ALL },
      // the reference web client (src/web): its page at / and its assets under /web
      { path: '/', method: RequestMethod.GET },
      { path: 'web/{*path}', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(DependencyOutages, { strict: false })));

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
