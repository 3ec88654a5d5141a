import passport from 'passport';
import type { Strategy } from 'passport';

/** Per strategy name, the live instances in the order their apps were built (newest last). */
const live = new Map<string, Strategy[]>();

/**
 * Passport keeps strategies by name in one process-wide registry, so the newest app's strategy answers for
 * every app in the process. One app per process in production; tests build several, some at the same time
 * (an extra app beside the shared one): when an app closes, its strategies step back and the previous live
 * ones answer again, instead of a closed app's database and Redis connections.
 */
export function trackStrategy(name: string, strategy: Strategy): void {
  live.set(name, [...(live.get(name) ?? []), strategy]);
}

export function releaseStrategy(name: string, strategy: Strategy): void {
  const rest = (live.get(name) ?? []).filter((s) => s !== strategy);
  live.set(name, rest);
  const previous = rest.at(-1);
  if (previous) passport.use(name, previous);
  else passport.unuse(name);
}
