import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCertificateHashHex } from './certificate';

/**
 * The client_certificate_hash of a fixed certificate, pinned. The expected value was computed once
 * with OpenSSL directly (see test/fixtures/esia/README.md), not by this code.
 */
describe('client_certificate_hash of a fixed certificate', () => {
  const pem = readFileSync(join(__dirname, '../../../../test/fixtures/esia/test-client-cert.gost.pem'), 'utf8');

  it('is Streebog-256 of the DER, upper-case hex', async () => {
    expect(await computeCertificateHashHex(pem)).toBe('2F0D21CCDA88D47ECE6F8D9791E4CEB6E2E477F128AD6EAF5E7A3895AFDDF61F');
  });
});
