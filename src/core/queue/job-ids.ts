import { createHash, randomBytes } from 'node:crypto';

/**
 * Every Bull job id the system uses is built here, and only here. A key names the business fact
 * (`event-42-1767225600123456`); `QueueProducer` puts the database incarnation in front of it
 * (`<incarnation>:<key>`, see `QueueIdentity`), so a key made of database sequence numbers cannot
 * collide with a job of another database — a restored backup, a re-created database or a second
 * database on the same Redis prefix — whose completed jobs Redis still keeps.
 *
 * Rows that carry a sequence number also carry their creation time (microseconds since the epoch):
 * a database restored in place (same incarnation) hands out the same ids again, but never at the same
 * instant, so a new row's key never equals a job the lost timeline left behind.
 */

/** One outbox event as a job key needs it: its id and `occurred_at` in microseconds since the epoch. */
export interface EventStamp {
  id: string;
  at: string;
}

/** A row with a sequence id and its creation time (µs since the epoch). */
export type RowStamp = EventStamp;

const event = (e: EventStamp): string => `event-${e.id}-${e.at}`;

export const JobKeys = {
  /** One outbox event (per-event routes: the state portal). */
  event,
  /**
   * A batch of outbox events, oldest first: `event-<id>-<at>` for one, otherwise
   * `events-<first>-<last>-<n>-<hash of every id@at>`. The hash matters: after a crash between the add
   * and the commit the next round may lock a different set between the same first and last ids (an
   * event that committed late), and that batch must not collapse onto the job that lacks it.
   */
  events(events: EventStamp[]): string {
    if (events.length === 1) return event(events[0]);
    const hash = createHash('sha256')
      .update(events.map((e) => `${e.id}@${e.at}`).join(','))
      .digest('base64url')
      .slice(0, 16);
    return `events-${events[0].id}-${events[events.length - 1].id}-${events.length}-${hash}`;
  },
  /** An admin's retry of a parked portal delivery: a fresh job each time (the row's reopen allows one). */
  portalRetry: (eventId: string, retry: number): string => `portal-retry-${eventId}-${retry}-${randomBytes(6).toString('base64url')}`,
  /** One push delivery (`push_deliveries` row). */
  push: (d: RowStamp): string => `push-${d.id}-${d.at}`,
  /** The reminder of one lesson start (lesson ids are UUIDs). */
  lessonReminder: (lessonId: string, startsAtMs: number): string => `lesson-reminder:${lessonId}:${startsAtMs}`,
  /** The digest selection of one local day. */
  dailyDigest: (date: string): string => `daily-digest:${date}`,
  userDigest: (userId: string, date: string): string => `user-digest:${userId}:${date}`,
  /** The nightly purge of one UTC day. */
  purgeExpiredSessions: (day: string): string => `purge-expired-sessions:${day}`,
  /**
   * A key that is not the one Bull already holds: used when an add under `key` returned a job that was
   * not this one (see OutboxRelay), so the work is queued anyway.
   */
  distinct: (key: string): string => `${key}~${randomBytes(6).toString('base64url')}`,
} as const;

/** The full Bull job id: the database incarnation, then the key. */
export const jobIdOf = (incarnation: string, key: string): string => `${incarnation}:${key}`;

/** SQL expression: a timestamptz column as microseconds since the epoch (text, exact). */
export const epochMicrosSql = (column: string): string => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
