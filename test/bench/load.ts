/**
 * One load run, in its own process so the load generator never shares an event loop with the
 * code under test. Reads a JSON spec from the file named by argv[2], prints autocannon's result as JSON on stdout.
 */
import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';

interface Spec {
  url: string;
  method: 'GET' | 'POST';
  /** Paths (with query) to cycle through, one per request; each with its bearer token and body. */
  requests: Array<{ path: string; token?: string; body?: unknown }>;
  connections: number;
  duration: number;
  warmup: number;
  /** The API's process id: its CPU time (and its cluster children's) over the measured run is reported. */
  apiPid?: number;
}

/** CPU seconds (user + system) used so far by a process and its children, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  const ticks = (stat: string): number => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  let total = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number(entry) === pid || ppid === pid) total += ticks(stat);
      } catch {
        /* the process ended meanwhile */
      }
    }
  } catch {
    return 0;
  }
  return total / 100; // USER_HZ is 100 on Linux
}

async function run(spec: Spec, duration: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration,
    requests: [
      {
        method: spec.method,
        setupRequest: (req) => {
          const r = spec.requests[i++ % spec.requests.length];
          return {
            ...req,
            path: r.path,
            headers: {
              // what browsers and mobile HTTP clients (OkHttp, NSURLSession) send by default
              'accept-encoding': 'gzip, deflate, br',
              ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
              ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
          };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Spec;
  if (spec.warmup > 0) await run(spec, spec.warmup);
  const before = spec.apiPid ? cpuSeconds(spec.apiPid) : 0;
  const result = await run(spec, spec.duration);
  const apiCpuSec = spec.apiPid ? cpuSeconds(spec.apiPid) - before : undefined;
  process.stdout.write(JSON.stringify({ ...result, apiCpuSec }));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e));
  process.exit(1);
});
