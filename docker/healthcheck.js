// The image's HEALTHCHECK (docker/Dockerfile): exit 0 healthy, 1 not. Runs beside the service in its
// container, with the container's environment; it starts no Nest application and prints nothing on success.
//
// - APP_ROLE api / all: GET /health/live on PORT, as before.
// - APP_ROLE worker: there is no HTTP server to ask (main.ts builds an application context: Bull processors,
//   the outbox relay and cron). A worker that crashes exits, and `restart: unless-stopped` brings it back;
//   what a running one can lose is its servers. So it is healthy while its Redis (the queues it consumes)
//   answers PING and its PostgreSQL (the outbox and every table its jobs write) answers SELECT 1, within 3 s.
'use strict';

const role = process.env.APP_ROLE || 'all';
const TIMEOUT_MS = 3000;

function deadline(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function api() {
  const res = await deadline(fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health/live`), 'GET /health/live');
  if (!res.ok) throw new Error(`GET /health/live answered ${res.status}`);
}

async function worker() {
  const Redis = require('ioredis');
  const { Client } = require('pg');
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let redisError;
  redis.on('error', (e) => (redisError = e)); // reported below, instead of ioredis's "Unhandled error event"
  const pg = new Client({
    connectionString: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/school_diary',
    connectionTimeoutMillis: TIMEOUT_MS,
  });
  try {
    await Promise.all([
      deadline(
        redis.connect().then(() => redis.ping()),
        'Redis',
      ).catch((e) => {
        throw new Error(`Redis: ${(redisError || e).message}`);
      }),
      deadline(
        pg.connect().then(() => pg.query('SELECT 1')),
        'PostgreSQL',
      ).catch((e) => {
        throw new Error(`PostgreSQL: ${e.message}`);
      }),
    ]);
  } finally {
    redis.disconnect();
    await pg.end().catch(() => undefined);
  }
}

(role === 'worker' ? worker() : api()).then(
  () => process.exit(0),
  (e) => {
    // The reason shows in `docker inspect` (State.Health.Log); messages carry no credentials.
    process.stderr.write(`unhealthy (${role}): ${e && e.message ? e.message : e}\n`);
    process.exit(1);
  },
);
