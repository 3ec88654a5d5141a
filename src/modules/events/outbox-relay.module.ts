import { Module } from '@nestjs/common';
import { EventsModule } from './events.module';
import { OutboxRelay } from './outbox-relay';

/** Worker-only: the relay from the outbox table to the queues. */
@Module({
  imports: [EventsModule],
  providers: [OutboxRelay],
})
export class OutboxRelayModule {}
