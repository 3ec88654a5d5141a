import { ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { notFound } from '../errors/app-error';
import { isBigIntString } from '../validation/numbers';

/**
 * Path ids are UUIDs; anything else cannot exist, so it reads as 404 like any unknown id. Every
 * uuid route parameter goes through this pipe (NUL bytes and invalid UTF-8 in a path are refused
 * earlier, as 400, by the URL check in core/http/input-guard.ts).
 */
export const ParseId = new ParseUUIDPipe({ exceptionFactory: () => notFound() });

/** Path ids that are bigint identities (notifications): a positive decimal within bigint, else 404. */
export const ParseBigId: PipeTransform<string, string> = {
  transform(value: string): string {
    if (typeof value !== 'string' || !isBigIntString(value)) throw notFound();
    return value;
  },
};
