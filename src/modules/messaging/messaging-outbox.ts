import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { NewEvent } from '../events/event-types';
import { OutboxService } from '../events/outbox.service';

export type MessagingEventType = 'message.created' | 'announcement.created' | 'announcement.reminder';

/** The outbox's NewEvent, narrowed to messaging; payloads hold ids and small facts only, never texts or names. */
export type MessagingEvent = NewEvent & { type: MessagingEventType; aggregateType: 'conversation' | 'announcement' };

/**
 * The single place where messaging hands events to the transactional outbox, always with the
 * EntityManager of the transaction that wrote the message or announcement.
 */
@Injectable()
export class MessagingOutbox {
  constructor(private readonly outbox: OutboxService) {}

  async record(manager: EntityManager, events: MessagingEvent[]): Promise<void> {
    await this.outbox.recordMany(manager, events);
  }
}
