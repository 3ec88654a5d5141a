import { AppError } from '../../common/errors/app-error';

export enum IdempotencyErrorCode {
  KeyInvalid = 'IDEMPOTENCY_KEY_INVALID',
  KeyReused = 'IDEMPOTENCY_KEY_REUSED',
  InProgress = 'IDEMPOTENCY_KEY_IN_PROGRESS',
  AnswerLost = 'IDEMPOTENCY_ANSWER_LOST',
}

/** Errors of the Idempotency-Key mechanism (core/idempotency), the same on every route that takes the header. */
export const IdempotencyErrors = {
  /** The Idempotency-Key header is not 8–100 characters of Latin letters, digits and `- _ . :`, or it is sent twice. */
  keyInvalid: () => new AppError(IdempotencyErrorCode.KeyInvalid, 'Idempotency-Key: от 8 до 100 символов (латиница, цифры, - _ . :)', 400),
  /** The caller already used this Idempotency-Key for another request: another route, or the same route with another body or other files. */
  keyReused: () => new AppError(IdempotencyErrorCode.KeyReused, 'Этот ключ Idempotency-Key уже использован для другого запроса', 422),
  /**
   * A request with the same Idempotency-Key is still being carried out (a duplicate sent while the first is in flight);
   * nothing was done for this one: repeat it after `Retry-After` seconds to get the first one's answer.
   */
  inProgress: (retryAfterSec: number) =>
    new AppError(
      IdempotencyErrorCode.InProgress,
      'Запрос с этим ключом Idempotency-Key ещё выполняется, повторите его чуть позже',
      409,
      { retryAfterSec },
      retryAfterSec,
    ),
  /**
   * The request with this Idempotency-Key was carried out, but its answer was not saved (the server stopped between the
   * write and the answer): nothing is done again; refresh the data (the `/changes` feeds) instead of repeating it.
   */
  answerLost: () =>
    new AppError(
      IdempotencyErrorCode.AnswerLost,
      'Запрос с этим ключом уже выполнен, но ответ на него не сохранился: обновите данные',
      409,
    ),
};
