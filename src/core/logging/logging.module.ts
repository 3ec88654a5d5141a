import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * The request's id (a well-formed incoming X-Request-Id, else a new UUID), also sent back as
 * X-Request-Id. configureApp calls it first thing, so answers refused before the logger's
 * middleware (a body that fails to parse, say) carry it too; pino-http keeps an id already set.
 */
export function assignRequestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  req.id = id;
  return id;
}

/** Paths never written to logs: credentials, tokens and personal data. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.snils',
  // second factor: TOTP secrets and URIs, codes, recovery codes, sign-in challenges
  '*.secret',
  '*.otpauthUri',
  '*.recoveryCode',
  '*.recoveryCodes',
  '*.challenge',
  '*.birthDate',
];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          genReqId: assignRequestId,
          // The query string can hold one-time codes and tickets: log the path only.
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          // 503 is a dependency outage (or a retryable conflict), told once per outage by DependencyOutages
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
