import { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter, ErrorBody } from './all-exceptions.filter';

/** Runs the filter on an exception and returns the status and body it sent. */
function reply(exception: unknown): { status: number; body: ErrorBody } {
  const sent: { status: number; body: ErrorBody } = { status: 0, body: {} as ErrorBody };
  const res = {
    headersSent: false,
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
