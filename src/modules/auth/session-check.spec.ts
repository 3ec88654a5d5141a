import { Role } from '../../common/auth/role';
import { redisAnswer, verdictOf } from './session-check';
import { SessionStateRow } from './read-models/session-state.read-model';

const ROW: SessionStateRow = {
  status: 'active',
  roles: [Role.Teacher],
  school_id: 'sch1',
  region_id: 'reg1',
  auth_version: 7,
  session_epoch: 2,
  epoch: 2,
  revoked: false,
};

describe('redisAnswer: what the one MGET means for a token issued at version av', () => {
  it('a revoked-session mark ends the session whatever the version says', () => {
    expect(redisAnswer('1', null, 0)).toBe('revoked');
    expect(redisAnswer('1', '3', 9)).toBe('revoked');
  });

  it('no published version, or one not newer than the token: the token stands (no database)', () => {
    expect(redisAnswer(null, null, 0)).toBe('token');
    expect(redisAnswer(null, '5', 5)).toBe('token');
    expect(redisAnswer(null, '4', 5)).toBe('token');
  });

  it('a newer published version sends the request to the database', () => {
    expect(redisAnswer(null, '6', 5)).toBe('database');
    expect(redisAnswer(null, '1', 0)).toBe('database');
    // a token of unknown version (SSE heartbeat without one, linking) is checked whenever anything was published
    expect(redisAnswer(null, '0', -1)).toBe('database');
  });

  it('an unreadable published value is not trusted: database', () => {
    expect(redisAnswer(null, 'junk', 5)).toBe('database');
  });
});

describe('verdictOf: a session and its user as PostgreSQL has them', () => {
  it('a live session of an active user in the current epoch stands, with the current roles and placement', () => {
    expect(verdictOf(ROW)).toEqual({ ended: false, roles: [Role.Teacher], schoolId: 'sch1', regionId: 'reg1', authVersion: 7 });
  });

  it('ends when the session or the user is gone (user deleted: its sessions go with it)', () => {
    expect(verdictOf(undefined)).toEqual({ ended: true, reason: 'session_not_found' });
  });

  it('ends a revoked session', () => {
    expect(verdictOf({ ...ROW, revoked: true })).toEqual({ ended: true, reason: 'session_revoked' });
  });

  it('ends every session of a blocked user', () => {
    expect(verdictOf({ ...ROW, status: 'blocked' })).toEqual({ ended: true, reason: 'account_disabled' });
  });

  it('ends a session opened before the session epoch moved (password set, sessions ended) but not one opened after', () => {
    expect(verdictOf({ ...ROW, epoch: 1, session_epoch: 2 })).toEqual({ ended: true, reason: 'sessions_ended' });
    expect(verdictOf({ ...ROW, epoch: 3, session_epoch: 3 }).ended).toBe(false);
  });
});
