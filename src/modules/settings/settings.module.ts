import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EsiaModule } from '../esia/esia.module';
import { SchoolsModule } from '../schools/schools.module';
import { RegionAuthSettings } from './entities/region-auth-settings.entity';
import { AuthSettingsController, EsiaRegionsController } from './settings.controller';
import { RegionSettingsReadModel } from './read-models/region-settings.read-model';
import { SettingsService } from './settings.service';

/** Region sign-in settings (table region_auth_settings) and the pure rule of which sign-in ways are open. */
@Module({
  imports: [TypeOrmModule.forFeature([RegionAuthSettings]), SchoolsModule, EsiaModule],
  controllers: [AuthSettingsController, EsiaRegionsController],
  providers: [SettingsService, RegionSettingsReadModel],
  exports: [SettingsService],
})
export class SettingsModule {}
