/**
 * Delay before retry number `attemptsMade` (1 = the first retry): exactly `first` for the first retry,
 * then exponential (first · 2^(n-1)) with ±25 % jitter, capped. Never shorter than `first`.
 */
export function portalRetryDelay(attemptsMade: number, first: number, cap: number, random: () => number = Math.random): number {
  if (attemptsMade <= 1) return first;
  const base = Math.min(cap, first * 2 ** (attemptsMade - 1));
  const jittered = base * (0.75 + 0.5 * random());
  return Math.round(Math.max(first, Math.min(cap, jittered)));
}
