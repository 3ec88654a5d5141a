import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument, configureApp } from '../core/http/configure-app';
import { prepareDatabase } from '../main';

/** Writes the OpenAPI document (docs/openapi.json by default) so API changes show in diffs. */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'docs/openapi.json');
  const config = { ...loadConfig({ ...process.env, LOG_LEVEL: 'error' }), appRole: 'api' as const };
  await prepareDatabase(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'] });
  try {
    configureApp(app, config);
    const doc = buildOpenApiDocument(app);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`Wrote ${out}: ${Object.keys(doc.paths).length} paths\n`);
  } finally {
    await app.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
