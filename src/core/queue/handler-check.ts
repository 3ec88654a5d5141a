import type { Queue } from 'bull';
import { jobsOfQueue, QueueName } from './queue.constants';

/**
 * Names of jobs declared in the constants for which the queue has no registered handler.
 * Bull keeps handlers in `queue.handlers` keyed by job name once `process()` was called.
 */
export function missingHandlers(queue: Queue, name: QueueName, expected: string[] = jobsOfQueue(name)): string[] {
  const handlers = (queue as unknown as { handlers?: Record<string, unknown> }).handlers ?? {};
  if (handlers['*']) return [];
  return expected.filter((job) => typeof handlers[job] !== 'function');
}
