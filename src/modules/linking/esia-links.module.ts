import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EsiaLink } from './entities/esia-link.entity';
import { EsiaLinksService } from './esia-links.service';

/**
 * The link store (table esia_links), with no dependency on auth: auth reads it (has this user a link?)
 * and the LinkingModule, which depends on auth, writes through it. This split keeps the module graph
 * acyclic without forwardRef.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EsiaLink])],
  providers: [EsiaLinksService],
  exports: [EsiaLinksService],
})
export class EsiaLinksModule {}
