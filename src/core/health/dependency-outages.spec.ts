import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DependencyOutages, unavailableDependency } from './dependency-outages';

const pg = (code: string, message = 'pg') => new QueryFailedError('SELECT …', [], Object.assign(new Error(message), { code }));
const sys = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -1, syscall: 'connect' });

describe('unavailableDependency', () => {
  it('recognises PostgreSQL down, refusing, restarting, full or timing out', () => {
    const shapes = [
      sys('ECONNREFUSED'),
      sys('ECONNRESET'),
      sys('ETIMEDOUT'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('Query read timeout'),
      pg('57P01', 'terminating connection due to administrator command'),
      pg('57P03', 'the database system is starting up'),
      pg('53300', 'sorry, too many clients already'),
      pg('08006'),
      pg('08001'),
      pg('57014', 'canceling statement due to statement timeout'),
      Object.assign(new Error('x'), { code: '57P01' }),
    ];
    for (const e of shapes) expect([e.message, unavailableDependency(e)]).toEqual([e.message, 'database']);
  });

  it('recognises Redis down (ioredis gave up, or the connection is closed)', () => {
    expect(
      unavailableDependency(
        Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' }),
      ),
    ).toBe('redis');
    expect(unavailableDependency(new Error('Connection is closed.'))).toBe('redis');
    expect(unavailableDependency(new Error('redis: no answer in 250 ms'))).toBe('redis');
  });

  it('leaves everything else alone: bad input, constraint violations, bugs, other services', () => {
    for (const e of [
      pg('23505'),
      pg('22021'),
      pg('42P01'),
      new TypeError("Cannot read properties of null (reading 'x')"),
      Object.assign(new TypeError('fetch failed'), { cause: sys('ECONNREFUSED') }),
      'a string',
      null,
    ]) {
      expect(unavailableDependency(e)).toBeNull();
    }
  });
});

describe('DependencyOutages: one log line per outage', () => {
  let lines: Array<{ level: string; message: string; fields: Record<string, unknown> }>;
  let outages: DependencyOutages;
  let up: boolean;

  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    for (const level of ['error', 'warn', 'log'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation(
          (...args: unknown[]) => void lines.push({ level, message: String(args[1]), fields: args[0] as Record<string, unknown> }),
        );
    }
    outages = new DependencyOutages();
    up = false;
    outages.watch('database', () => (up ? Promise.resolve() : Promise.reject(new Error('down'))));
  });
  afterEach(() => {
    outages.onApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const settle = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('logs the first failure at error level and then nothing per request', () => {
    for (let i = 0; i < 500; i++) outages.report('database', sys('ECONNREFUSED'));
    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/PostgreSQL is unavailable/) })]);
    expect(lines[0].fields).toMatchObject({ dependency: 'database', reason: { code: 'ECONNREFUSED' } });
    expect(outages.isDown('database')).toBe(true);
  });

  it('tells at most once a minute how many failed since, and once when the dependency is back', async () => {
    outages.report('database', sys('ECONNREFUSED'));
    for (let i = 0; i < 30; i++) {
      await settle(1_000);
      outages.report('database', sys('ECONNREFUSED'));
    }
    expect(lines.map((l) => l.level)).toEqual(['error']);
    await settle(30_000);
    outages.report('database', sys('ECONNREFUSED'));
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn']);
    expect(lines[1].fields).toMatchObject({ failures: 31, downForSec: 60 });

    up = true;
    await settle(DependencyOutages.QUIET_MS + DependencyOutages.PROBE_EVERY_MS);
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn', 'log']);
    expect(lines[2]).toMatchObject({ message: expect.stringMatching(/available again/), fields: { failures: 32 } });
    expect(outages.isDown('database')).toBe(false);
    await settle(10_000);
    expect(lines).toHaveLength(3);
  });

  it('does not call it recovered while failures keep coming (a stream of timeouts under load is one outage)', async () => {
    up = true; // the probe answers, but requests still time out
    for (let i = 0; i < 10; i++) {
      outages.report('database', pg('57014'));
      await settle(500);
    }
    expect(lines.map((l) => l.level)).toEqual(['error']);
    await settle(DependencyOutages.QUIET_MS + DependencyOutages.PROBE_EVERY_MS);
    expect(lines.map((l) => l.level)).toEqual(['error', 'log']);
    outages.report('database', pg('57014'));
    expect(lines.map((l) => l.level)).toEqual(['error', 'log', 'error']); // a new outage is told again
  });
});
