import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import type { Job, JobOptions, Queue } from 'bull';
import { JOBS, QueueName } from './queue.constants';

type JobKey = keyof typeof JOBS;

/** The one way to put work on a queue: job data holds ids only, options come from the constants. */
@Injectable()
export class QueueProducer {
  constructor(private readonly moduleRef: ModuleRef) {}

  async enqueue<T extends object>(job: JobKey, data: T, options: JobOptions = {}): Promise<Job<T>> {
    const spec = JOBS[job];
    return this.queue(spec.queue).add(spec.name, data, { ...spec.options, ...options });
  }

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
