import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError, CommonErrorCode, CommonErrors } from '../../common/errors/app-error';
import { Dependency, DependencyOutages, unavailableDependency } from '../health/dependency-outages';
import { loggable } from '../logging/loggable';

export interface ErrorBody {
  statusCode: number;
  /** Not part of the body: becomes the `Retry-After` header. */
  retryAfterSec?: number;
  /** Not part of the body: the dependency that is down (its outage is logged once, not per request). */
  dependency?: Dependency;
  code: string;
  message: string;
  details?: unknown;
  requestId?: string;
  errorId?: string;
}

/** The common error an HTTP status of Nest, the router or a body parser stands for. */
const HTTP_DEFAULTS: Record<number, () => AppError> = {
  400: () => CommonErrors.malformedRequest(),
  401: () => CommonErrors.unauthorized(),
  403: () => CommonErrors.forbidden(),
  404: () => CommonErrors.routeNotFound(),
  405: () => CommonErrors.malformedRequest('Метод не поддерживается'),
  413: () => CommonErrors.payloadTooLarge(),
  415: () => CommonErrors.malformedRequest('Неподдерживаемый формат данных'),
  429: () => CommonErrors.tooManyRequests(),
};

const NOT_JSON = 'Тело запроса не является корректным JSON';

/** The answer for an AppError (optionally under another HTTP status). */
const bodyOf = (e: AppError, statusCode = e.statusCode): ErrorBody => ({
  statusCode,
  code: e.code,
  message: e.message,
  details: e.details,
  retryAfterSec: e.retryAfterSec,
});

/** `Retry-After` for answers that did not say how long: every 429 and 503 tells the client when to come back. */
const DEFAULT_RETRY_AFTER_SEC: Record<number, number> = { 429: 60, 503: 5 };

/**
 * SQLSTATEs of input the database refused: class 22 (data exception: 22021 bad encoding, 22003
 * number out of range, 22001 string too long, 22P05 untranslatable character, 22007/22008 bad or
 * out-of-range date, 22P02 bad text representation, …), 23502 NOT NULL, 23514 CHECK, 54000/54001
 * program limits. Requests are validated before they reach a query (core/http/input-guard.ts, the
 * DTOs); this is the safety net for what slipped through, logged as a validation gap.
 */
const INPUT_SQLSTATE = /^(22...|23502|23514|5400[01])$/;

const UNAVAILABLE: Record<Dependency, string> = {
  database: 'Сервис временно недоступен: нет связи с базой данных. Повторите попытку через несколько секунд',
  redis: 'Сервис временно недоступен. Повторите попытку через несколько секунд',
};

/**
 * One error body for every failure. Known errors keep their code; database constraint
 * violations and refused input become 4xx; a dependency that is down becomes 503 with Retry-After
 * (logged once per outage by DependencyOutages); anything else is a 500 with an errorId that is
 * also logged.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly outages?: DependencyOutages) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = this.toBody(exception);
    body.requestId = req?.id !== undefined ? String(req.id) : undefined;
    if (body.statusCode >= 500 && !body.dependency) {
      body.errorId = randomUUID();
      this.logger.error({ errorId: body.errorId, requestId: body.requestId, err: loggable(exception) }, 'Unhandled error');
    }
    if (res.headersSent) return;
    const { retryAfterSec, dependency: _dependency, ...payload } = body;
    const retryAfter = retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC[body.statusCode];
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    res.status(body.statusCode).json(payload);
  }

  private toBody(exception: unknown): ErrorBody {
    // Nest wraps errors of Express middleware that carry an HTTP status (body-parser's, and ours thrown
    // from its `verify`) into an HttpException: answer for the original
    const cause = exception instanceof HttpException ? (exception.cause as { type?: string } | undefined) : undefined;
    if (cause instanceof AppError) return this.toBody(cause);
    if (cause?.type === 'entity.parse.failed') return bodyOf(CommonErrors.malformedRequest(NOT_JSON));
    if (exception instanceof AppError) return bodyOf(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const known = HTTP_DEFAULTS[status];
      if (known) return bodyOf(known(), status);
      return {
        statusCode: status,
        code: status >= 500 ? CommonErrorCode.InternalError : CommonErrorCode.MalformedRequest,
        message: 'Ошибка запроса',
      };
    }
    if (exception instanceof QueryFailedError) {
      const pg = exception.driverError as { code?: string; constraint?: string } | undefined;
      switch (pg?.code) {
        case '23505':
          return bodyOf(CommonErrors.conflict('Такая запись уже существует', { constraint: pg.constraint }));
        case '23503':
          return bodyOf(CommonErrors.conflict('Запись связана с другими данными', { constraint: pg.constraint }));
        case '40P01': // deadlock detected
        case '40001': // serialization failure
          // the transaction was rolled back whole: nothing half-written, the same request can simply be sent again
          return {
            statusCode: 503,
            code: CommonErrorCode.ServiceUnavailable,
            message: 'Данные как раз меняются, повторите запрос',
            details: { retry: true },
          };
        case '57014':
          this.outages?.report('database', exception);
          return {
            statusCode: 503,
            code: CommonErrorCode.ServiceUnavailable,
            message: 'Запрос выполнялся слишком долго, попробуйте позже',
            dependency: 'database',
          };
      }
      if (pg?.code && INPUT_SQLSTATE.test(pg.code)) {
        this.logger.warn({ err: loggable(exception) }, 'Input refused by the database: a validation gap');
        return bodyOf(CommonErrors.validationFailed(undefined, 'Недопустимое значение в запросе'));
      }
    }
    const dependency = unavailableDependency(exception);
    if (dependency) {
      this.outages?.report(dependency, exception);
      return { statusCode: 503, code: CommonErrorCode.ServiceUnavailable, message: UNAVAILABLE[dependency], dependency };
    }
    const typed = exception as { type?: string; status?: number; expose?: boolean } | undefined;
    if (typed?.type === 'entity.parse.failed') return bodyOf(CommonErrors.malformedRequest(NOT_JSON));
    if (typed?.type === 'entity.too.large') return bodyOf(CommonErrors.payloadTooLarge());
    // other errors of the body parsers and the router (bad Content-Encoding or charset, aborted body, undecodable path …)
    if (typed?.expose && typeof typed.status === 'number' && typed.status >= 400 && typed.status < 500) {
      return bodyOf((HTTP_DEFAULTS[typed.status] ?? HTTP_DEFAULTS[400])(), typed.status);
    }
    return bodyOf(CommonErrors.internalError());
  }
}
