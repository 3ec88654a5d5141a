import { SetMetadata } from '@nestjs/common';
import { RateLimitClass } from '../../config/app-config';
import { AppError } from '../errors/app-error';

export const RATE_LIMIT = 'diary:rateLimit';

/** What the global rate-limit guard (core/rate-limit) does on a route; docs/security.md "Rate limits". */
export type RateLimitRule = { class: RateLimitClass; refusal?: (retryAfterSec: number) => AppError } | { exempt: string };

/**
 * Puts the route into a rate-limit class: one bucket per client address and minute, shared by every
 * route of the class, limit from config (`*_RATE_LIMIT_PER_MINUTE`). Over the limit: 429 with
 * `Retry-After` = seconds until the window frees, body from `refusal` (default TOO_MANY_REQUESTS).
 * A @Public() route without this decorator is in the `public` class.
 */
export const RateLimit = (cls: RateLimitClass, refusal?: (retryAfterSec: number) => AppError): MethodDecorator & ClassDecorator =>
  SetMetadata<string, RateLimitRule>(RATE_LIMIT, { class: cls, refusal });

/** Leaves the route unlimited; `reason` says why (it is listed in docs/security.md and checked by a test). */
export const NoRateLimit = (reason: string): MethodDecorator & ClassDecorator =>
  SetMetadata<string, RateLimitRule>(RATE_LIMIT, { exempt: reason });
