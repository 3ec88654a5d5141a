import { Inject, Injectable } from '@nestjs/common';
import { gaxios, JWT } from 'google-auth-library';
import { FcmConfig, GOOGLE_TOKEN_URI } from '../../../config/app-config';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { classifyStatus, MobilePushProvider, networkFailure, PushMessage, PushOutcome } from './push.types';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/**
 * An OAuth client for a service account (google-auth-library's JWT: it signs an assertion with the
 * account's key, fetches an access token and refreshes it before it expires). google-auth-library
 * always posts to Google's token endpoint; a key file naming another `token_uri` (a test stand-in) has
 * its token requests sent there instead (the assertion's audience stays Google's endpoint).
 */
export function serviceAccountClient(fcm: FcmConfig, timeoutMs: number): JWT {
  // Node's own fetch (gaxios would otherwise import node-fetch at the first request)
  const transporter = new gaxios.Gaxios({ timeout: timeoutMs, fetchImplementation: fetch });
  if (fcm.tokenUri !== GOOGLE_TOKEN_URI) {
    transporter.interceptors.request.add({
      resolved: async (o) => {
        if (o.url.href === GOOGLE_TOKEN_URI) o.url = new URL(fcm.tokenUri);
        return o;
      },
    });
  }
  return new JWT({ email: fcm.clientEmail, key: fcm.privateKey, keyId: fcm.privateKeyId ?? undefined, scopes: [FCM_SCOPE], transporter });
}

/**
 * FCM HTTP v1: `POST …/v1/projects/<project>/messages:send` with `{ message }` and the service
 * account's OAuth token. A 401 (the token expired or was revoked early) fetches a new token and tries
 * once more; 404 (UNREGISTERED) removes the device; 429/5xx retry; other 4xx are permanent.
 * Every send of one notification carries its tag as the Android collapse key and notification tag
 * and as `apns-collapse-id`, so a resend replaces the first copy on the phone.
 */
@Injectable()
export class FcmHttpV1Provider implements MobilePushProvider {
  private readonly client: JWT | null;
  /** One token refresh at a time: concurrent sends that met the same 401 share it. */
  private refreshing: Promise<void> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { fcm, httpTimeoutMs } = config.notify;
    this.client = fcm ? serviceAccountClient(fcm, httpTimeoutMs) : null;
  }

  async send(token: string, m: PushMessage): Promise<PushOutcome> {
    const fcm = this.config.notify.fcm;
    if (!fcm || !this.client) return { outcome: 'off', error: 'mobile push is not configured' };
    const body = JSON.stringify({ message: fcmMessage(token, m) });
    for (let attempt = 0; ; attempt++) {
      let access: string;
      try {
        access = await this.accessToken();
      } catch (e) {
        return { outcome: 'retry', error: `FCM OAuth token: ${tokenError(e)}` };
      }
      let status: number;
      try {
        const res = await fetch(fcm.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${access}` },
          body,
          signal: AbortSignal.timeout(this.config.notify.httpTimeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        status = res.status;
      } catch (e) {
        return networkFailure(e);
      }
      if (status !== 401) return classifyStatus(status);
      // not the device's fault: a fresh token, one more try; then Bull's backoff
      if (attempt > 0) return { outcome: 'retry', error: 'HTTP 401 with a fresh OAuth token' };
      await this.expire(access);
    }
  }

  private async accessToken(): Promise<string> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    const { token } = await this.client!.getAccessToken();
    if (!token) throw new Error('no access token');
    return token;
  }

  /** Makes the next accessToken() fetch a new token, unless another send did already. */
  private async expire(rejected: string): Promise<void> {
    if (this.client!.credentials.access_token !== rejected) return;
    this.refreshing ??= (async () => {
      this.client!.credentials = { ...this.client!.credentials, expiry_date: 1 };
      await this.client!.getAccessToken();
    })().finally(() => (this.refreshing = null));
    await this.refreshing.catch(() => undefined);
  }
}

/** The FCM v1 message of one push: a notification block (unless silent), string data, the tag. */
export function fcmMessage(token: string, m: PushMessage): Record<string, unknown> {
  const data: Record<string, string> = { notificationId: m.id, kind: m.kind, createdAt: m.createdAt, tag: m.tag };
  for (const [k, v] of Object.entries(m.data)) if (v !== null && v !== undefined) data[k] = String(v);
  if (m.silent) {
    return {
      token,
      data,
      android: { priority: 'high', collapse_key: m.tag },
      apns: {
        headers: { 'apns-push-type': 'background', 'apns-priority': '5', 'apns-collapse-id': m.tag },
        payload: { aps: { 'content-available': 1 } },
      },
    };
  }
  return {
    token,
    data,
    notification: { title: m.title, body: m.body },
    android: { collapse_key: m.tag, notification: { tag: m.tag } },
    apns: { headers: { 'apns-collapse-id': m.tag } },
  };
}

/** A token request's failure, without the key or the assertion. */
function tokenError(e: unknown): string {
  const err = e as { status?: number; response?: { status?: number }; code?: string; name?: string };
  const status = err.response?.status ?? err.status;
  return status ? `HTTP ${status}` : (err.code ?? err.name ?? 'error');
}
