/**
 * TEST-ONLY stand-in for CryptoPro CSP's `csptest` (CryptoPro cannot be installed here). It writes a
 * small node script that records its argv and behaves like `csptest -keyset -sign GOST12_256`: it signs
 * the `-in` file with a GOST TEST key through OpenSSL's gost engine and writes the 64 bytes
 * **byte-reversed** to `-out`, i.e. in CryptoAPI's little-endian order, as real csptest does; or it
 * fails, hangs or writes garbage, as set with {@link CsptestStandIn.setMode}.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CsptestMode = 'sign' | 'fail' | 'hang' | 'short';

export interface CsptestStandIn {
  /** Path of the executable to hand to the signer as csptestPath. */
  path: string;
  setMode(mode: CsptestMode): Promise<void>;
  /** argv (without the binary) of every run so far, oldest first. */
  calls(): Promise<string[][]>;
  /** Names of the environment variables the last run saw. */
  lastEnv(): Promise<string[]>;
}

const SCRIPT = `
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const here = __dirname;
const cfg = JSON.parse(fs.readFileSync(path.join(here, 'csptest-mode.json'), 'utf8'));
const argv = process.argv.slice(2);
fs.appendFileSync(path.join(here, 'csptest-calls.log'), JSON.stringify(argv) + '\\n');
fs.writeFileSync(path.join(here, 'csptest-env.json'), JSON.stringify(Object.keys(process.env)));
const arg = (name) => argv[argv.indexOf(name) + 1];
console.log('CSP (Type:80) v5.0.10010 KC1 Release Ver:5.0.13000 OS:Linux CPU:AMD64 (TEST STAND-IN)');
if (cfg.mode === 'hang') { setTimeout(() => undefined, 600000); return; }
if (cfg.mode === 'fail') {
  console.log('AcquireContext: ' + (argv.includes('-password') ? 'password ' + arg('-password') + ' rejected' : 'no password'));
  console.log('An error occurred in running the program.');
  console.error('Error number 0x8009001f (2148073503).');
  console.log('[ErrorCode: 0x8009001F]');
  process.exit(1);
}
if (cfg.mode === 'short') { fs.writeFileSync(arg('-out'), Buffer.alloc(10)); console.log('[ErrorCode: 0x00000000]'); process.exit(0); }
const sig = execFileSync(cfg.openssl, ['dgst', '-engine', 'gost', '-md_gost12_256', '-sign', cfg.keyPath, arg('-in')], { stdio: ['ignore', 'pipe', 'ignore'] });
fs.writeFileSync(arg('-out'), Buffer.from(sig).reverse());
console.log('Total: SYS: 0,010 sec USR: 0,000 sec UTC: 0,020 sec');
console.log('[ErrorCode: 0x00000000]');
`;

/** Writes the stand-in into `dir` (a private test directory); `gostKeyPath` is the TEST key it signs with. */
export async function writeCsptestStandIn(dir: string, gostKeyPath: string, openssl = 'openssl'): Promise<CsptestStandIn> {
  const path = join(dir, 'csptest');
  await writeFile(path, `#!${process.execPath}\n${SCRIPT}`, { mode: 0o700 });
  await chmod(path, 0o700);
  const setMode = (mode: CsptestMode) => writeFile(join(dir, 'csptest-mode.json'), JSON.stringify({ mode, keyPath: gostKeyPath, openssl }));
  await setMode('sign');
  return {
    path,
    setMode,
    async lastEnv() {
      return JSON.parse(await readFile(join(dir, 'csptest-env.json'), 'utf8')) as string[];
    },
    async calls() {
      const log = await readFile(join(dir, 'csptest-calls.log'), 'utf8').catch(() => '');
      return log
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as string[]);
    },
  };
}
