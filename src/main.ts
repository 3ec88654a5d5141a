import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { ensureDatabaseExists, runMigrations } from './core/database/prepare-database';
import { configureApp } from './core/http/configure-app';

/** Creates the database if it is missing and applies pending migrations (under an advisory lock). */
export async function prepareDatabase(config: AppConfig): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabaseExists(config.databaseUrl);
  const applied = config.runMigrationsOnStart ? await runMigrations(config) : [];
  return { created, applied };
}

async function bootstrap(): Promise<void> {
  const started = Date.now();
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }

  const db = await prepareDatabase(config);

  if (config.appRole === 'worker') {
    const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
    const logger = ctx.get(Logger);
    ctx.useLogger(logger);
    ctx.enableShutdownHooks();
    await ctx.init();
    report(logger, config, db, started);
    return;
  }

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  configureApp(app, config);
  await app.listen(config.port);
  report(app.get(Logger), config, db, started);
}

function report(logger: Logger, config: AppConfig, db: { created: boolean; applied: string[] }, started: number): void {
  for (const w of config.warnings) logger.warn(w, 'Config');
  if (db.created) logger.log(`Created database ${new URL(config.databaseUrl).pathname.slice(1)}`, 'Database');
  if (db.applied.length) logger.log(`Applied migrations: ${db.applied.join(', ')}`, 'Database');
  const where = config.appRole === 'worker' ? '' : ` on port ${config.port} (API docs: /api/docs)`;
  logger.log(`Started as ${config.appRole}${where} in ${Date.now() - started} ms`, 'Bootstrap');
}

if (require.main === module) {
  bootstrap().catch((e: unknown) => {
    process.stderr.write(`Start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
