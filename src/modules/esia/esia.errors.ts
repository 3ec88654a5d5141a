import { AppError } from '../../common/errors/app-error';

export enum EsiaErrorCode {
  Unavailable = 'ESIA_UNAVAILABLE',
}

/** Why a call to ESIA failed (goes to `details.reason` and the log, never to the user text). */
export type EsiaFailureReason =
  | 'not_configured'
  | 'timeout'
  | 'network'
  | 'error_response'
  | 'invalid_response'
  | 'invalid_token'
  /** The token's GOST signature could not be checked (openssl or its gost engine failed). */
  | 'token_check'
  | 'signer';

export const ESIA_UNAVAILABLE_MESSAGE = 'Госуслуги сейчас недоступны, попробуйте позже';

export const EsiaErrors = {
  /**
   * Госуслуги could not be used: 503 when ESIA could not be reached, is not configured or we could not sign or check a
   * token; 502 when it answered with an error or something unreadable (`details.reason`, `details.esiaCode`). Nothing was
   * changed: try again later; in the browser flow it arrives as `?error=ESIA_UNAVAILABLE`.
   */
  unavailable: (reason: EsiaFailureReason, esiaCode?: string): AppError =>
    new AppError(
      EsiaErrorCode.Unavailable,
      ESIA_UNAVAILABLE_MESSAGE,
      ['timeout', 'network', 'not_configured', 'signer', 'token_check'].includes(reason) ? 503 : 502,
      esiaCode ? { reason, esiaCode } : { reason },
    ),
  /**
   * 503 with Retry-After: the diary is saturated, ESIA itself is fine (docs/security.md "Rate limits"). `details.reason`
   * `signer_busy`: every GOST signing slot is taken and the wait for one ran out; `pending_states_full`:
   * ESIA_PENDING_STATES_MAX sign-ins through Госуслуги are started and not yet back.
   */
  busy: (reason: 'signer_busy' | 'pending_states_full', retryAfterSec: number): AppError =>
    new AppError(EsiaErrorCode.Unavailable, ESIA_UNAVAILABLE_MESSAGE, 503, { reason }, retryAfterSec),
};

/** `ESIA-0xxxxx` at the start of (or anywhere in) an error description; docs/esia.md "Error codes": parse only the code. */
export function extractEsiaCode(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  return /ESIA-\d{6}/.exec(text)?.[0];
}
