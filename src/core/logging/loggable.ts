import { QueryFailedError } from 'typeorm';

/**
 * What of an unexpected error may go to the log. A failed query carries its SQL parameters (names,
 * message texts, SNILS ciphertext): keep the driver's code and message, drop the rest.
 */
export function loggable(exception: unknown): Record<string, unknown> {
  if (exception instanceof QueryFailedError) {
    const pg = exception.driverError as { code?: string; message?: string; constraint?: string; table?: string } | undefined;
    return { type: 'QueryFailedError', code: pg?.code, message: pg?.message, constraint: pg?.constraint, table: pg?.table };
  }
  if (exception instanceof Error) return { type: exception.name, message: exception.message, stack: exception.stack };
  return { type: typeof exception };
}
