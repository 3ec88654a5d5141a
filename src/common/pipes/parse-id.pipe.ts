import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '../errors/app-error';

/** Path ids are UUIDs; anything else cannot exist, so it reads as 404 like any unknown id. */
export const ParseId = new ParseUUIDPipe({ exceptionFactory: () => notFound() });
