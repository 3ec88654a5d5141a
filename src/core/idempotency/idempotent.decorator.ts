import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error';
import { IdempotencyErrors } from './idempotency.errors';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * The route accepts `Idempotency-Key` (a create a phone may retry): see IdempotencyInterceptor. Only for handlers that
 * return their answer (not ones writing to `@Res()` themselves). The codes it adds to the route's answers are named
 * here, so the error catalogue (tools/api-contract) lists them for every route that carries the decorator.
 */
export function Idempotent(): MethodDecorator {
  const errors: Array<(retryAfterSec: number) => AppError> = [
    IdempotencyErrors.keyInvalid,
    IdempotencyErrors.keyReused,
    IdempotencyErrors.inProgress,
    IdempotencyErrors.answerLost,
  ];
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Для повторов с плохой сетью: повтор с тем же ключом и тем же запросом вернёт первый ответ и ничего не создаст ' +
        '(заголовок ответа Idempotent-Replayed: true). Ключ — 8–100 символов [A-Za-z0-9_.:-], свой у каждого запроса пользователя; ' +
        'хранится 14 дней. Ошибки: ' +
        errors
          .map((e) => {
            const x = e(1);
            return `${x.statusCode} ${x.code}`;
          })
          .join(', '),
    }),
  );
}
