import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './core/crypto/crypto.module';
import { DatabaseModule } from './core/database/database.module';
import { HealthModule } from './core/health/health.module';
import { LoggingModule } from './core/logging/logging.module';
import { QueueModule } from './core/queue/queue.module';
import { RedisModule } from './core/redis/redis.module';
import { AuthModule } from './modules/auth/auth.module';
import { EsiaModule } from './modules/esia/esia.module';
import { EsiaEmulatorModule } from './modules/esia-emulator/esia-emulator.module';
import { SchoolsModule } from './modules/schools/schools.module';
import { TeachingModule } from './modules/teaching/teaching.module';
import { UsersModule } from './modules/users/users.module';
import { WorkerModule } from './worker.module';

@Module({})
export class AppModule {
  /** The whole application for one configuration; the worker part only for APP_ROLE worker|all. */
  static forRoot(config: AppConfig): DynamicModule {
    const worker = config.appRole === 'worker' || config.appRole === 'all';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        QueueModule,
        CryptoModule,
        HealthModule,
        SchoolsModule,
        UsersModule,
        TeachingModule,
        AuthModule,
        // ESIA client; the emulator only when config allows it (never in production)
        EsiaModule,
        ...(config.esiaEmulator ? [EsiaEmulatorModule] : []),
        ...(worker ? [WorkerModule] : []),
      ],
    };
  }
}
