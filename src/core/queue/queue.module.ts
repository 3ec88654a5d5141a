import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QueueIdentity } from './queue-identity.service';
import { QueueProducer } from './queue-producer.service';
import { QUEUES } from './queue.constants';

const queues = Object.values(QUEUES).map((name) => BullModule.registerQueue({ name }));

/** Bull on Redis: producers everywhere; processors only in the worker role (see WorkerModule). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        redis: config.redisUrl,
        prefix: `${config.redisPrefix}:bull`,
      }),
    }),
    ...queues,
  ],
  providers: [QueueProducer, QueueIdentity],
  exports: [QueueProducer, QueueIdentity, ...queues],
})
export class QueueModule {}
