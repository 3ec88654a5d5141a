import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIARY_CLIENT_JS } from '../../src/web/diary-client.generated';

const ROOT = join(__dirname, '..', '..');

/**
 * client/src/schema.ts and the browser bundle served at /web/diary-client.js are generated (tools/client)
 * from docs/openapi.json and client/src. Changed without regenerating, they fail here with the fix to run;
 * the client's type check (`npm run typecheck`) then shows what a contract change breaks.
 */
describe('typed client (client/)', () => {
  it('is current: client/src/schema.ts and src/web/diary-client.generated.ts are what `npm run client:generate` makes now', () => {
    // in a child process: openapi-typescript's dependencies are ES modules that jest's module system does not load
    const check = spawnSync(process.execPath, ['-r', './test/utils/ts-register.js', 'tools/client/generate.ts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('serves one self-contained browser module that exports the client', () => {
    expect(DIARY_CLIENT_JS).not.toMatch(/\bimport\s*[{(*"']|\brequire\(/); // nothing left to resolve in the browser
    expect(DIARY_CLIENT_JS).toMatch(/export\s*\{[^}]*\bcreateDiaryClient\b[^}]*\}/);
  });

  it('declares the openapi-fetch range the repository builds and tests it with', () => {
    const pkg = (f: string) => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));
    expect(pkg('client/package.json').dependencies['openapi-fetch']).toBe(pkg('package.json').devDependencies['openapi-fetch']);
  });
});
