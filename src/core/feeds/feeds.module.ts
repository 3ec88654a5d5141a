import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedTombstone } from './entities/feed-tombstone.entity';
import { TombstoneReader } from './tombstone-reader';

/** The `?cursor=` feeds' shared part below the features: cursor paging (feed-cursor.ts) and the tombstones. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([FeedTombstone])],
  providers: [TombstoneReader],
  exports: [TombstoneReader],
})
export class FeedsModule {}
