import { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { AllExceptionsFilter, ErrorBody } from './all-exceptions.filter';

/** Runs the filter on an exception and returns the status and body it sent. */
function reply(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const sent: { status: number; body: ErrorBody; headers: Record<string, string> } = { status: 0, body: {} as ErrorBody, headers: {} };
  const res = {
    headersSent: false,
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: ErrorBody) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'req-1' }) }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

const pgError = (code: string, constraint?: string) =>
  new QueryFailedError('UPDATE …', [], Object.assign(new Error('pg'), { code, constraint }));

describe('AllExceptionsFilter: database errors', () => {
  it('asks the client to repeat a request whose transaction lost a deadlock or a serialization conflict', () => {
    for (const code of ['40P01', '40001']) {
      const { status, body } = reply(pgError(code));
      expect(status).toBe(503);
      expect(body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retry: true }, requestId: 'req-1' });
      expect(body.message).toMatch(/повторите/);
      expect(body.errorId).toBeDefined(); // still a 5xx: logged with an id for the operator
    }
  });

  it('maps constraint violations to 409 and anything unknown to 500', () => {
    expect(reply(pgError('23505', 'uq_x'))).toMatchObject({ status: 409, body: { code: 'CONFLICT', details: { constraint: 'uq_x' } } });
    expect(reply(pgError('XX000'))).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
  });
});

describe('AllExceptionsFilter: Retry-After', () => {
  it('sends the wait an error names as the Retry-After header, not in the body', () => {
    const { status, body, headers } = reply(new AppError('TOO_MANY_LOGIN_ATTEMPTS', 'Подождите', 429, { retryAfterSec: 17 }, 16.2));
    expect(status).toBe(429);
    expect(headers['retry-after']).toBe('17');
    expect(body).not.toHaveProperty('retryAfterSec');
  });

  it('gives every 429 and 503 a Retry-After even when the error did not name one, and nothing else gets one', () => {
    expect(reply(pgError('40P01')).headers['retry-after']).toBe('5');
    expect(reply(new AppError('TOO_MANY_REQUESTS', 'Подождите', 429)).headers['retry-after']).toBe('60');
    expect(reply(new AppError('CONFLICT', 'Уже есть', 409)).headers).not.toHaveProperty('retry-after');
  });
});

describe('AllExceptionsFilter: bad input and outages', () => {
  it('answers input the database refused (encoding, range, length, NOT NULL, limits) with 400 VALIDATION_FAILED, the safety net behind validation', () => {
    for (const code of ['22021', '22003', '22001', '22P05', '22008', '23502', '54000']) {
      expect(reply(pgError(code))).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
  });

  it('answers a database or Redis that is down with 503 SERVICE_UNAVAILABLE and Retry-After, without an errorId or a stack', () => {
    const down = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }),
      new Error('timeout exceeded when trying to connect'),
      pgError('57P01'),
      pgError('53300'),
      pgError('08006'),
      Object.assign(
        new Error('Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.'),
        { name: 'MaxRetriesPerRequestError' },
      ),
    ];
    for (const e of down) {
      const { status, body, headers } = reply(e);
      expect(status).toBe(503);
      expect(headers['retry-after']).toBe('5');
      expect(body).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: expect.any(String), requestId: 'req-1' });
    }
  });

  it('answers an error Nest wrapped from Express middleware (a body-parser verify failure) with the original AppError', async () => {
    const { HttpException } = await import('@nestjs/common');
    const original = new AppError('VALIDATION_FAILED', 'Текст не в UTF-8', 400, [
      { field: 'body', code: 'wellFormedUnicode', message: '…' },
    ]);
    expect(reply(new HttpException('x', 400, { cause: original }))).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', details: [{ field: 'body' }] },
    });
  });
});
