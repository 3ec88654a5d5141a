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
  | 'signer'
  | 'signer_busy';

export const ESIA_UNAVAILABLE_MESSAGE = 'Госуслуги сейчас недоступны, попробуйте позже';

export const EsiaErrors = {
  /** 503 when ESIA could not be reached (or we could not sign); 502 when it answered badly. */
  unavailable: (reason: EsiaFailureReason, esiaCode?: string): AppError =>
    new AppError(
      EsiaErrorCode.Unavailable,
      ESIA_UNAVAILABLE_MESSAGE,
      reason === 'timeout' || reason === 'network' || reason === 'not_configured' || reason === 'signer' ? 503 : 502,
      esiaCode ? { reason, esiaCode } : { reason },
    ),
  /** 503 with Retry-After: every GOST signing slot is taken and the wait for one ran out (details.reason signer_busy; ESIA itself is fine). */
  signerBusy: (retryAfterSec: number): AppError =>
    new AppError(EsiaErrorCode.Unavailable, ESIA_UNAVAILABLE_MESSAGE, 503, { reason: 'signer_busy' }, retryAfterSec),
};

/** `ESIA-0xxxxx` at the start of (or anywhere in) an error description; ESIA.md §8.1: parse only the code. */
export function extractEsiaCode(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  return /ESIA-\d{6}/.exec(text)?.[0];
}
