import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { idempotentAttempts } from './idempotency-context';
import { IdempotencyStore } from './idempotency.store';

/**
 * Every transaction committed while a request runs under an Idempotency-Key marks its reservation committed in the
 * same transaction (so the mark and the write commit or vanish together), and is rolled back if the reservation was
 * taken over meanwhile. This is how "the store is written in the same transaction as the create" holds for every
 * service without their code knowing: they open their transactions as usual (DataSource/EntityManager.transaction,
 * Repository.save).
 */
@Injectable()
export class CommitFenceSubscriber implements EntitySubscriberInterface, OnModuleInit {
  private readonly fenced = new WeakSet<QueryRunner>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: IdempotencyStore,
  ) {}

  onModuleInit(): void {
    if (!this.db.subscribers.includes(this)) this.db.subscribers.push(this);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const attempt = idempotentAttempts.getStore();
    if (!attempt || !event.queryRunner) return;
    if (await this.store.fenceCommit(event.queryRunner, attempt)) this.fenced.add(event.queryRunner);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const attempt = idempotentAttempts.getStore();
    const qr = event.queryRunner;
    // a released savepoint is not a commit yet: only the outermost COMMIT counts
    if (!attempt || !qr || qr.isTransactionActive || !this.fenced.has(qr)) return;
    this.fenced.delete(qr);
    attempt.committed = true;
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner && !event.queryRunner.isTransactionActive) this.fenced.delete(event.queryRunner);
  }
}
