import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being carried out under an Idempotency-Key: its reservation row and whether a write of it committed. */
export interface IdempotentAttempt {
  userId: string;
  key: string;
  /** Token of this attempt in the row (`owner`): a write commits only while the row is still ours. */
  owner: string;
  /** A transaction that wrote something committed during this attempt (so it must never run again). */
  committed: boolean;
}

/** Carries the attempt from the interceptor to the commit fence through everything the handler awaits. */
export const idempotentAttempts = new AsyncLocalStorage<IdempotentAttempt>();
