import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EsiaLink } from './entities/esia-link.entity';
import { EsiaLinksService } from './esia-links.service';

/**
 * The links between diary users and ESIA accounts (table esia_links), below both auth and linking: auth reads
 * it (has this user a link?), linking writes through it. It depends on neither, so no arrow runs back up.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EsiaLink])],
  providers: [EsiaLinksService],
  exports: [EsiaLinksService],
})
export class EsiaLinksModule {}
