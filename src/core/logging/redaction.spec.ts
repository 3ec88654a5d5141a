import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS } from './logging.module';

describe('log redaction', () => {
  it('never writes credentials, tokens, SNILS or birth dates', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'esia_state=abc' } },
        body: { login: 'ivanov', password: 'Secret-1', refreshToken: 'sid.secret' },
        user: { snils: '112-233-445 95', birthDate: '2012-01-01', accessToken: 'eyJ' },
        mfa: {
          secret: 'JBSWY3DPEHPK3PXP',
          otpauthUri: 'otpauth://totp/x?secret=JBSW',
          recoveryCode: '7k3mx-q9w2e',
          recoveryCodes: ['abcde-23456'],
          challenge: 'ch4llenge',
        },
      },
      'attempt',
    );
    const out = lines.join('');
    for (const secret of [
      'eyJsecret',
      'esia_state=abc',
      'Secret-1',
      'sid.secret',
      '112-233-445 95',
      '2012-01-01',
      '"eyJ"',
      'JBSW',
      '7k3mx',
      'abcde-23456',
      'ch4llenge',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('ivanov');
    expect(out).toContain('[redacted]');
  });
});
