import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The supported Node is written in five places: package.json's engines, scripts/ensure-node.sh (the range
// by hand and the pinned version it installs), .nvmrc and the Dockerfile. These tests keep them in step.
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const ENGINES = '^22.13.0 || >=24.11.0';
const script = join(root, 'scripts', 'ensure-node.sh');

/** Runs `ensure-node.sh --check` with a stand-in `node` that reports `version`. */
function accepts(version: string): boolean {
  const bin = mkdtempSync(join(tmpdir(), 'fake-node-'));
  try {
    writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${version}\n`);
    chmodSync(join(bin, 'node'), 0o755);
    execFileSync('bash', [script, '--check'], { env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('supported Node runtime', () => {
  it('declares the range every dependency accepts', () => {
    expect(JSON.parse(read('package.json')).engines.node).toBe(ENGINES);
  });

  it('ensure-node.sh accepts exactly that range', () => {
    const table: Array<[string, boolean]> = [
      ['v18.19.0', false],
      ['v20.20.2', false],
      ['v22.12.9', false],
      ['v22.13.0', true],
      ['v22.21.1', true],
      ['v23.11.0', false],
      ['v24.10.0', false],
      ['v24.11.0', true],
      ['v24.22.3', true],
      ['v26.1.0', true],
      ['garbage', false],
    ];
    expect(table.map(([v]) => [v, accepts(v)])).toEqual(table);
  });

  it('runs this suite on a supported Node', () => {
    expect(accepts(process.version)).toBe(true);
  });

  it('pins Node 24 in ensure-node.sh, .nvmrc and both Dockerfile stages', () => {
    const pinned = /^NODE_VERSION=(\d+)\.\d+\.\d+/m.exec(read('scripts/ensure-node.sh'))?.[1];
    const froms = [...read('docker/Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1]);
    expect({ pinned, nvmrc: read('.nvmrc').trim(), froms }).toEqual({ pinned: '24', nvmrc: '24', froms: ['24', '24'] });
    expect(accepts(`v${/^NODE_VERSION=(\S+)/m.exec(read('scripts/ensure-node.sh'))?.[1]}`)).toBe(true);
  });
});
