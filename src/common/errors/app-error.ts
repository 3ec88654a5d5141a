/**
 * The one error type business code throws. The global filter turns it into
 * `{ statusCode, code, message, details?, requestId }`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details?: unknown,
    /** Seconds the client should wait before trying again: sent as the `Retry-After` header (429, 503). */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Codes shared by every module. Module-specific codes live in `<module>.errors.ts`. */
export enum CommonErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthorized = 'UNAUTHORIZED',
  TokenExpired = 'TOKEN_EXPIRED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  Conflict = 'CONFLICT',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  MalformedRequest = 'MALFORMED_REQUEST',
  InternalError = 'INTERNAL_ERROR',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
}

export const notFound = (what = 'Объект'): AppError =>
  new AppError(CommonErrorCode.NotFound, `${what} не найден`, 404);

export const forbidden = (message = 'Недостаточно прав для этого действия'): AppError =>
  new AppError(CommonErrorCode.Forbidden, message, 403);

export const conflict = (message: string, details?: unknown): AppError =>
  new AppError(CommonErrorCode.Conflict, message, 409, details);

/** 429 of the per-IP rate limit: `Retry-After` (and `details.retryAfterSec`) say when the window frees. */
export const tooManyRequests = (retryAfterSec: number): AppError =>
  new AppError(CommonErrorCode.TooManyRequests, 'Слишком много запросов с этого адреса. Подождите немного и попробуйте снова', 429, { retryAfterSec }, retryAfterSec);

export const validationFailed = (details: FieldError[], message = 'Данные запроса не прошли проверку'): AppError =>
  new AppError(CommonErrorCode.ValidationFailed, message, 400, details);

export interface FieldError {
  field: string;
  code: string;
  message: string;
}
