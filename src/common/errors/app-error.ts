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
  NothingChanged = 'NOTHING_CHANGED',
}

/**
 * The common errors, each with the situation it stands for (the doc comments become docs/errors.md). The
 * global guards, pipes and the exception filter answer with these; modules use their own codes, and these only for
 * situations no module owns (a row out of reach, an edit that changes nothing).
 */
export const CommonErrors = {
  /** A body, query or path value failed validation (wrong type, out of range, a NUL byte, null where a value is required); `details` lists every bad field. */
  validationFailed: (details?: FieldError[], message = 'Данные запроса не прошли проверку'): AppError =>
    new AppError(CommonErrorCode.ValidationFailed, message, 400, details),
  /**
   * The request itself could not be read: broken JSON, too deep nesting or too many elements (`details`:
   * `{ field, limit: depth | arrayLength | keys | nodes, max }`), an unsupported method or content type.
   */
  malformedRequest: (message = 'Некорректный запрос', details?: unknown): AppError =>
    new AppError(CommonErrorCode.MalformedRequest, message, 400, details),
  /** No access token, or one that is not ours (bad signature, wrong algorithm, malformed). */
  unauthorized: (): AppError => new AppError(CommonErrorCode.Unauthorized, 'Требуется вход в систему', 401),
  /** The access token's signature holds but it has expired: refresh it with the refresh token. */
  tokenExpired: (): AppError => new AppError(CommonErrorCode.TokenExpired, 'Срок действия входа истёк, обновите токен', 401),
  /** The caller's roles do not allow this kind of action at all. */
  forbidden: (message = 'Недостаточно прав для этого действия'): AppError => new AppError(CommonErrorCode.Forbidden, message, 403),
  /** A row that does not exist or that the caller may not see (the two read the same). */
  notFound: (what = 'Объект'): AppError => new AppError(CommonErrorCode.NotFound, `${what} не найден`, 404),
  /** No route at this path and method. */
  routeNotFound: (): AppError => new AppError(CommonErrorCode.RouteNotFound, 'Такого адреса нет', 404),
  /** The edit would leave the row as it is (the same values as now, or a lesson cancelled or restored again): nothing was written or recorded in the history. */
  nothingChanged: (): AppError => new AppError(CommonErrorCode.NothingChanged, 'Изменений нет', 422),
  /** The change collides with existing data (a unique value taken, a row still referenced). */
  conflict: (message = 'Такая запись уже существует', details?: unknown): AppError =>
    new AppError(CommonErrorCode.Conflict, message, 409, details),
  /** The body is larger than the route accepts. */
  payloadTooLarge: (message = 'Слишком большой запрос'): AppError => new AppError(CommonErrorCode.PayloadTooLarge, message, 413),
  /** Too many requests from this client in the current window; `Retry-After` says when to come back. */
  tooManyRequests: (retryAfterSec?: number): AppError =>
    new AppError(
      CommonErrorCode.TooManyRequests,
      'Слишком много запросов, попробуйте позже',
      429,
      retryAfterSec ? { retryAfterSec } : undefined,
      retryAfterSec,
    ),
  /** An unexpected failure; the answer's `errorId` is also in the service log. */
  internalError: (): AppError => new AppError(CommonErrorCode.InternalError, 'Внутренняя ошибка сервера. Мы уже разбираемся', 500),
  /** A dependency (PostgreSQL, Redis, a queue) is down or busy, or the data changed under a concurrent request; nothing was written — repeat after `Retry-After`. */
  serviceUnavailable: (message = 'Сервис временно недоступен, повторите запрос позже', retryAfterSec?: number): AppError =>
    new AppError(CommonErrorCode.ServiceUnavailable, message, 503, undefined, retryAfterSec),
};

export const notFound = CommonErrors.notFound;
export const forbidden = CommonErrors.forbidden;
export const conflict = CommonErrors.conflict;
export const validationFailed = (details: FieldError[], message?: string): AppError => CommonErrors.validationFailed(details, message);

export interface FieldError {
  field: string;
  code: string;
  message: string;
}
