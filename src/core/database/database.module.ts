import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DependencyOutages } from '../health/dependency-outages';
import { typeormOptions } from './typeorm-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG, DependencyOutages],
      useFactory: (config: AppConfig, outages: DependencyOutages) => ({
        ...typeormOptions(config, {}, (e) => outages.report('database', e)),
        autoLoadEntities: true,
        entities: [],
      }),
    }),
  ],
})
export class DatabaseModule {}
