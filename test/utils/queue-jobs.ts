import { EventStamp, JobKeys } from '../../src/core/queue/job-ids';
import { QueueProducer } from '../../src/core/queue/queue-producer.service';
import type { TestApp } from './create-test-app';

/** The events with the stamps their job keys carry (id and occurred_at in µs), in the order given. */
export async function eventStamps(t: Pick<TestApp, 'db'>, ids: string[]): Promise<EventStamp[]> {
  const rows: EventStamp[] = await t.db.query(
    'SELECT id::text AS id, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS at FROM domain_events WHERE id = ANY($1::bigint[])',
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(String(id))!);
}

/** The Bull job id of one event's per-event job (the portal route) in this app's database. */
export async function eventJobId(t: Pick<TestApp, 'db' | 'app'>, eventId: string): Promise<string> {
  const [stamp] = await eventStamps(t, [eventId]);
  return t.app.get(QueueProducer).jobId(JobKeys.event(stamp));
}

/** The Bull job id of a notifications batch of these events (oldest first). */
export async function batchJobId(t: Pick<TestApp, 'db' | 'app'>, eventIds: string[]): Promise<string> {
  return t.app.get(QueueProducer).jobId(JobKeys.events(await eventStamps(t, eventIds)));
}
