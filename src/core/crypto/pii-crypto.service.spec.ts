import { loadConfig } from '../../config/app-config';
import { PiiCryptoService } from './pii-crypto.service';

describe('PiiCryptoService', () => {
  const svc = new PiiCryptoService(loadConfig({ DATA_ENCRYPTION_KEY: 'cd'.repeat(32) }));
  const other = new PiiCryptoService(loadConfig({ DATA_ENCRYPTION_KEY: 'ef'.repeat(32) }));

  it('round-trips and never stores the plain text', () => {
    const blob = svc.encrypt('11223344595', 'user:1');
    expect(blob.toString('latin1')).not.toContain('11223344595');
    expect(svc.decrypt(blob, 'user:1')).toBe('11223344595');
  });

  it('uses a fresh IV each time', () => {
    expect(svc.encrypt('x', 'a').equals(svc.encrypt('x', 'a'))).toBe(false);
  });

  it('refuses tampered data, another record binding and another key', () => {
    const blob = svc.encrypt('11223344595', 'user:1');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    expect(() => svc.decrypt(tampered, 'user:1')).toThrow();
    expect(() => svc.decrypt(blob, 'user:2')).toThrow();
    expect(() => other.decrypt(blob, 'user:1')).toThrow();
  });

  it('gives stable keyed hashes that depend on the key', () => {
    expect(svc.lookupHash('snils', '11223344595')).toBe(svc.lookupHash('snils', '11223344595'));
    expect(svc.lookupHash('snils', '11223344595')).not.toBe(other.lookupHash('snils', '11223344595'));
    expect(svc.lookupHash('snils', '11223344595')).toMatch(/^[0-9a-f]{64}$/);
  });
});
