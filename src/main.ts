import 'reflect-metadata';
import cluster from 'node:cluster';
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

  if (config.apiProcesses > 1 && cluster.isPrimary) {
    await runApiCluster(config);
    return;
  }
  // a forked HTTP process: the primary has prepared the database
  const db = cluster.isWorker ? { created: false, applied: [] } : await prepareDatabase(config);

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

/**
 * API_PROCESSES > 1: this process prepares the database once, then forks that many HTTP processes sharing
 * the port (node:cluster hands connections out), replaces one that dies, and passes SIGTERM/SIGINT on for
 * a graceful stop. The forks get this process's JWT secret, so a generated development secret is the
 * same in all of them. Each fork has its own read cache.
 */
async function runApiCluster(config: AppConfig): Promise<void> {
  const db = await prepareDatabase(config);
  const say = (msg: string) => process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), context: 'Cluster', msg })}\n`);
  if (db.created) say('Created the database');
  if (db.applied.length) say(`Applied migrations: ${db.applied.join(', ')}`);
  const env = { JWT_SECRET: config.jwtSecret, RUN_MIGRATIONS_ON_START: 'false' };
  let stopping = false;
  for (let i = 0; i < config.apiProcesses; i++) cluster.fork(env);
  cluster.on('listening', (worker) => say(`HTTP process ${worker.process.pid} listening`));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    say(`HTTP process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => {
      if (!stopping) cluster.fork(env);
    }, 500);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const left = Object.values(cluster.workers ?? {});
    if (left.length === 0) process.exit(0);
    for (const w of left) w?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  say(`Starting ${config.apiProcesses} HTTP processes on port ${config.port}`);
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
