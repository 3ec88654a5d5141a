import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TypeOrmLogger } from './typeorm-logger';

/** Repository root, whether running from src/ (tests) or dist/src/ (build). */
const ROOT = __dirname.includes(`${join('dist', 'src')}`) ? join(__dirname, '../../../..') : join(__dirname, '../../..');
const FROM_DIST = __dirname.includes(`${join('dist', 'src')}`);

export const MIGRATIONS_GLOB = FROM_DIST ? join(ROOT, 'dist/migrations/*.js') : join(ROOT, 'migrations/*.ts');
export const ENTITIES_GLOB = FROM_DIST
  ? join(ROOT, 'dist/src/modules/**/entities/*.entity.js')
  : join(ROOT, 'src/modules/**/entities/*.entity.ts');
/** Tables of the infrastructure (core/queue's `installation`). */
export const CORE_ENTITIES_GLOB = FROM_DIST
  ? join(ROOT, 'dist/src/core/**/entities/*.entity.js')
  : join(ROOT, 'src/core/**/entities/*.entity.ts');

/**
 * @param onPoolError where errors of idle pooled connections go (the server went away): the HTTP app
 *   counts them into its outage log (core/health/dependency-outages.ts); TypeORM's default logs each.
 */
export function typeormOptions(
  config: AppConfig,
  overrides: Partial<DataSourceOptions> = {},
  onPoolError?: (e: Error) => void,
): DataSourceOptions {
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
      // a new connection, and a wait for a free one from the pool, give up after this (then 503)
      connectionTimeoutMillis: config.dbConnectTimeoutMs,
      // statement_timeout needs a reachable server: this ends a query whose answer never comes
      query_timeout: config.dbStatementTimeoutMs + 5000,
    },
    ...(onPoolError ? { poolErrorHandler: onPoolError } : {}),
    logger: new TypeOrmLogger(),
    logging: ['migration', 'warn'],
    maxQueryExecutionTime: 1000,
    ...overrides,
  } as DataSourceOptions;
}
