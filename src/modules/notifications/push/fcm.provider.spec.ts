import { loadConfig } from '../../../config/app-config';
import { FakeFcm, fakeFcmEnv, startFakeFcm } from '../../../../test/utils/fake-fcm';
import { FcmHttpV1Provider } from './fcm.provider';
import { PushMessage, pushTag } from './push.types';

const message = (id: string): PushMessage => {
  const createdAt = new Date().toISOString();
  return {
    id,
    kind: 'grade',
    title: 'Новая оценка',
    body: 'Математика, оценка 5',
    data: { gradeId: 'g1' },
    createdAt,
    tag: pushTag(id, createdAt),
  };
};

/** The provider against a local stand-in for Google's token endpoint and FCM (real HTTP, real RS256 assertions). */
describe('FCM HTTP v1 provider (service account)', () => {
  let fcm: FakeFcm;
  let provider: FcmHttpV1Provider;

  beforeEach(async () => {
    fcm = await startFakeFcm();
    provider = new FcmHttpV1Provider(loadConfig({ NODE_ENV: 'test', ...fakeFcmEnv(fcm) }));
  });
  afterEach(() => fcm.close());

  it('signs in with the service account and reuses its token while it is valid', async () => {
    expect(await provider.send('device-token-1', message('1'))).toEqual({ outcome: 'sent', status: 200 });
    expect(await provider.send('device-token-1', message('2'))).toEqual({ outcome: 'sent', status: 200 });
    expect(fcm.tokensIssued).toBe(1);
    expect(fcm.sends.map((s) => s.token)).toEqual(['token-1', 'token-1']);
    const m = fcm.sends[0].message;
    expect(m).toMatchObject({
      token: 'device-token-1',
      notification: { title: 'Новая оценка' },
      data: { notificationId: '1', gradeId: 'g1' },
    });
    // one tag per notification: a resend replaces the first copy (Android collapse key and tag, APNs collapse id)
    expect(m.android).toEqual({ collapse_key: m.data.tag, notification: { tag: m.data.tag } });
    expect(m.apns.headers['apns-collapse-id']).toBe(m.data.tag);
    expect(m.data.tag).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('fetches a new token when the current one is about to expire', async () => {
    fcm.expiresIn = 60; // inside google-auth-library's refresh margin (5 minutes): stale at once
    await provider.send('device-token-1', message('1'));
    fcm.expiresIn = 3600;
    await provider.send('device-token-1', message('2'));
    expect(fcm.tokensIssued).toBe(2);
    expect(fcm.sends.map((s) => s.token)).toEqual(['token-1', 'token-2']);
  });

  it('a 401 refreshes the token and retries once', async () => {
    fcm.respond = (s) => (s.token === 'token-1' ? 401 : 200);
    expect(await provider.send('device-token-1', message('1'))).toEqual({ outcome: 'sent', status: 200 });
    expect(fcm.sends.map((s) => s.token)).toEqual(['token-1', 'token-2']);
    expect(fcm.tokensIssued).toBe(2);
  });

  it('a second 401 with the fresh token is not retried again: the job backs off (not a permanent refusal)', async () => {
    fcm.respond = () => 401;
    expect(await provider.send('device-token-1', message('1'))).toEqual({ outcome: 'retry', error: 'HTTP 401 with a fresh OAuth token' });
    expect(fcm.sends).toHaveLength(2);
  });

  it('concurrent sends that meet the same 401 share one refresh', async () => {
    fcm.respond = (s) => (s.token === 'token-1' ? 401 : 200);
    await provider.send('device-token-0', message('0'));
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((t, i) => provider.send(`device-token-${t}`, message(String(i + 1)))));
    expect(results.every((r) => r.outcome === 'sent')).toBe(true);
    expect(fcm.tokensIssued).toBe(2);
  });

  it('404 UNREGISTERED means the token is gone; 429/5xx retry; a refused token endpoint is retried later', async () => {
    fcm.respond = () => 404;
    expect(await provider.send('device-token-1', message('1'))).toEqual({ outcome: 'gone', status: 404 });
    fcm.respond = () => 503;
    expect((await provider.send('device-token-1', message('2'))).outcome).toBe('retry');
    const other = new FcmHttpV1Provider(loadConfig({ NODE_ENV: 'test', ...fakeFcmEnv(fcm) }));
    fcm.refuseTokens = true;
    expect(await other.send('device-token-1', message('3'))).toEqual({ outcome: 'retry', error: 'FCM OAuth token: HTTP 400' });
  });
});

describe('FCM configuration', () => {
  it('reads the service account; FCM_AUTH_TOKEN is no longer used; a bad key file is a start-up problem', async () => {
    const fcm = await startFakeFcm();
    try {
      const c = loadConfig({ NODE_ENV: 'test', FCM_SERVICE_ACCOUNT_FILE: fcm.keyFile, FCM_AUTH_TOKEN: 'old' });
      expect(c.notify.fcm).toMatchObject({
        projectId: fcm.projectId,
        tokenUri: `${fcm.url}/token`,
        endpoint: `https://fcm.googleapis.com/v1/projects/${fcm.projectId}/messages:send`,
      });
      expect(c.warnings.join('\n')).toContain('FCM_AUTH_TOKEN is no longer read');
      expect(loadConfig({ NODE_ENV: 'test' }).notify.fcm).toBeNull();
    } finally {
      await fcm.close();
    }
    expect(() => loadConfig({ NODE_ENV: 'test', FCM_SERVICE_ACCOUNT_FILE: '/nonexistent/key.json' })).toThrow(/FCM_SERVICE_ACCOUNT_FILE/);
    expect(() => loadConfig({ NODE_ENV: 'test', FCM_ENDPOINT: 'https://fcm.example/send' })).toThrow(
      /FCM_ENDPOINT needs FCM_SERVICE_ACCOUNT_FILE/,
    );
  });
});
