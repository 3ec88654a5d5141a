import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { NewEvent } from '../events/event-types';

export type MessagingEventType = 'message.created' | 'announcement.created' | 'announcement.reminder';

/** The outbox's NewEvent, narrowed to messaging; payloads hold ids and small facts only, never texts or names. */
export type MessagingEvent = NewEvent & { type: MessagingEventType; aggregateType: 'conversation' | 'announcement' };

/**
 * THE single place where messaging hands events to the transactional outbox, always with the
 * EntityManager of the transaction that wrote the message or announcement.
 *
 * TODO(outbox): wire to `OutboxService.record(manager, event)` (src/modules/events) once its
 * EVENT_TYPES / AGGREGATE_TYPES and the CHECK constraints of `domain_events` accept
 * 'message.created' | 'announcement.created' | 'announcement.reminder' and
 * 'conversation' | 'announcement'. Until then the events are only built, not stored.
 */
@Injectable()
export class MessagingOutbox {
  async record(_manager: EntityManager, events: MessagingEvent[]): Promise<void> {
    void events;
  }
}
