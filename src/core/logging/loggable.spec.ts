import { QueryFailedError } from 'typeorm';
import { loggable } from './loggable';

describe('loggable', () => {
  it('keeps the driver code of a failed query but never its parameters', () => {
    const err = new QueryFailedError(
      'INSERT INTO messages (body) VALUES ($1)',
      ['Личное сообщение родителю'],
      Object.assign(new Error('value too long'), { code: '22001', table: 'messages' }),
    );
    const out = JSON.stringify(loggable(err));
    expect(out).toContain('22001');
    expect(out).toContain('messages');
    expect(out).not.toContain('Личное сообщение');
    expect(out).not.toContain('INSERT INTO');
  });

  it('keeps the message and stack of other errors', () => {
    const out = loggable(new TypeError('boom'));
    expect(out).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});
