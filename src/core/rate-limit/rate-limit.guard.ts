import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { RATE_LIMIT, RateLimitRule } from '../../common/decorators/rate-limit.decorator';
import { CommonErrors } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** Every class counts in fixed one-minute windows (the limits are per minute). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

type LimitedRule = Extract<RateLimitRule, { class: string }>;

/**
 * Global per-client-address rate limit on top of `@nestjs/throttler`: the route's class
 * (`@RateLimit`, or `public` for a @Public() route without one) picks the limit and the bucket;
 * `@NoRateLimit` and guarded routes without a class are not limited. The client address is
 * `req.ip`, i.e. the socket address unless TRUST_PROXY names the proxies in front (IPv6 by /64).
 * Over the limit: the project's error body with `Retry-After` = seconds until the window frees.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  /** The rule that applies to the route, or null when it is not limited. */
  rule(context: ExecutionContext): LimitedRule | null {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT, targets);
    if (rule) return 'exempt' in rule ? null : rule;
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ? { class: 'public' } : null;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || this.rule(context) === null;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const rule = this.rule(request.context)!;
    return super.handleRequest({
      ...request,
      limit: this.config.rateLimits.perMinute[rule.class],
      ttl: RATE_LIMIT_WINDOW_MS,
      blockDuration: RATE_LIMIT_WINDOW_MS,
    });
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return (await super.getTracker(req)) ?? 'unknown';
  }

  /** One bucket per class and client address: every route of a class counts into it. */
  protected override generateKey(context: ExecutionContext, tracker: string): string {
    return `rl:${this.rule(context)!.class}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw (this.rule(context)!.refusal ?? CommonErrors.tooManyRequests)(detail.timeToBlockExpire);
  }
}
