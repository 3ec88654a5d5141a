import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommitFenceSubscriber } from './commit-fence.subscriber';
import { IdempotentRequest } from './entities/idempotent-request.entity';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

/** Idempotency-Key for creates (`@Idempotent()`), below every feature: the store, its commit fence and the interceptor. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotentRequest])],
  providers: [IdempotencyStore, CommitFenceSubscriber, IdempotencyInterceptor],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule {}
