import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '../errors/app-error';

/**
 * Path ids are UUIDs; anything else cannot exist, so it reads as 404 like any unknown id. Every
 * uuid route parameter goes through this pipe (NUL bytes and invalid UTF-8 in a path are refused
 * earlier, as 400, by the URL check in core/http/input-guard.ts). Bigint ids (notifications) are
 * checked by their service against the bigint range (`isBigIntString`).
 */
export const ParseId = new ParseUUIDPipe({ exceptionFactory: () => notFound() });
