import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEvent } from './entities/domain-event.entity';
import { OutboxService } from './outbox.service';

/** The transactional outbox (`domain_events`): written by the diary modules, relayed by notifications/portal sync. */
@Module({
  imports: [TypeOrmModule.forFeature([DomainEvent])],
  providers: [OutboxService],
  exports: [OutboxService],
})
export class EventsModule {}
