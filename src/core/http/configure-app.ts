import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { compressionMiddleware, corsMiddleware } from './cors-and-compression';
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
  app.use(corsMiddleware(config));
  app.use(compressionMiddleware());
  app.useBodyParser('json', { limit: '1mb' });

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
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}
