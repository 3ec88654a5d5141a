import { access, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { ESIA_TEST_KEY_FILES } from '../../config/app-config';
import { generateGostTestKeyPair, generateRsaTestKeyPair } from './crypto/test-keys';

/**
 * Emulator mode only: makes sure the TEST keys (GOST client key; the emulator's RSA and GOST token
 * keys) exist in `dir`.
 * Existing keys are reused, so restarts keep them. Generation happens in a private sibling
 * directory that is then renamed into place, so two processes starting at once never see half a set.
 */
const pending = new Map<string, Promise<void>>();

export function ensureEsiaTestKeys(dir: string): Promise<void> {
  let p = pending.get(dir);
  if (!p) {
    p = generateIfMissing(dir);
    pending.set(dir, p);
    p.catch(() => pending.delete(dir));
  }
  return p;
}

async function allPresent(dir: string): Promise<boolean> {
  try {
    await Promise.all(Object.values(ESIA_TEST_KEY_FILES).map((f) => access(join(dir, f))));
    return true;
  } catch {
    return false;
  }
}

async function generateIfMissing(dir: string): Promise<void> {
  if (await allPresent(dir)) return;
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    await Promise.all([
      generateGostTestKeyPair(tmp, 'DIARY CLIENT (TEST)', { name: 'diary-client' }),
      generateRsaTestKeyPair(tmp, 'ESIA EMULATOR (TEST)', { name: 'esia-emulator' }),
      generateGostTestKeyPair(tmp, 'ESIA EMULATOR GOST (TEST)', { name: 'esia-emulator' }),
    ]);
    if (await allPresent(dir)) return; // someone else finished first
    await rm(dir, { recursive: true, force: true }); // an incomplete set from an interrupted run
    try {
      await rename(tmp, dir);
    } catch (e) {
      if (!(await allPresent(dir))) throw e; // lost the race to a complete set: fine
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
