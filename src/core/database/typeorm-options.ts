import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmLogger } from './typeorm-logger';

/** Repository root, whether running from src/ (tests) or dist/src/ (build). */
const ROOT = __dirname.includes(`${join('dist', 'src')}`) ? join(__dirname, '../../../..') : join(__dirname, '../../..');
const FROM_DIST = __dirname.includes(`${join('dist', 'src')}`);

export const MIGRATIONS_GLOB = FROM_DIST ? join(ROOT, 'dist/migrations/*.js') : join(ROOT, 'migrations/*.ts');
export const ENTITIES_GLOB = FROM_DIST ? join(ROOT, 'dist/src/modules/**/entities/*.entity.js') : join(ROOT, 'src/modules/**/entities/*.entity.ts');
/** Tables of the infrastructure (core/queue's `installation`). */
export const CORE_ENTITIES_GLOB = FROM_DIST ? join(ROOT, 'dist/src/core/**/entities/*.entity.js') : join(ROOT, 'src/core/**/entities/*.entity.ts');

export function typeormOptions(config: AppConfig, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [ENTITIES_GLOB, CORE_ENTITIES_GLOB],
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'typeorm_migrations',
    poolSize: config.dbPoolSize,
    extra: {
      // statement_timeout bounds any query, so a runaway query cannot hold a connection forever.
      options: `-c statement_timeout=${config.dbStatementTimeoutMs} -c timezone=UTC`,
      application_name: `diary-${config.appRole}`,
      connectionTimeoutMillis: 5000,
    },
    logger: new TypeOrmLogger(),
    logging: ['migration', 'warn'],
    maxQueryExecutionTime: 1000,
    ...overrides,
  } as DataSourceOptions;
}
