import { assertGostEngineAvailable, cleanOpenSslStderr, OpenSslError, runOpenSsl, streebog256 } from './openssl';

describe('openssl runner', () => {
  it('the gost engine is installed and passes the self-test (.ci/install-system-deps.sh)', async () => {
    await expect(assertGostEngineAvailable()).resolves.toBeUndefined();
  });

  it('feeds stdin and returns the exit code without throwing', async () => {
    const ok = await runOpenSsl(['base64'], { input: 'hi' });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.toString()).toBe('aGk=\n');
    const bad = await runOpenSsl(['dgst', '-no-such-option-xyz']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/no-such-option-xyz/);
  });

  it('kills the child and rejects on timeout', async () => {
    const started = Date.now();
    const err = await runOpenSsl(['5'], { opensslPath: 'sleep', timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenSslError);
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('explains a missing binary', async () => {
    await expect(runOpenSsl(['version'], { opensslPath: '/nonexistent/openssl' })).rejects.toThrow(/not found.*libengine-gost-openssl/);
    await expect(assertGostEngineAvailable({ opensslPath: '/nonexistent/openssl' })).rejects.toThrow(/GOST engine is not usable/);
    await expect(streebog256('x', { opensslPath: '/nonexistent/openssl' })).rejects.toBeInstanceOf(OpenSslError);
  });

  it('strips the engine banner from stderr', () => {
    expect(cleanOpenSslStderr('Engine "gost" set.\nCould not read key\n\n')).toBe('Could not read key');
  });
});
