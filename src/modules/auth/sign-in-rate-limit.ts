import { RateLimit } from '../../common/decorators/rate-limit.decorator';
import { AuthErrors } from './auth.errors';

/**
 * The per-address limit on password guesses (LOGIN_RATE_LIMIT_PER_MINUTE): put it on every route that
 * checks a diary password or a second factor. All of them share one bucket, and answer 429
 * TOO_MANY_LOGIN_ATTEMPTS before the password is looked at (nothing goes to the login history).
 */
export const SignInRateLimit = (): MethodDecorator & ClassDecorator => RateLimit('signIn', AuthErrors.tooManyAttempts);
