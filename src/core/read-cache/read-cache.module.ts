import { Global, Module } from '@nestjs/common';
import { ReadCache } from './read-cache';

/** The in-process cache of assembled read views; see ReadCache for why it is exact. */
@Global()
@Module({ providers: [ReadCache], exports: [ReadCache] })
export class ReadCacheModule {}
