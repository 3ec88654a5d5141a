import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { classifyStatus, MobilePushProvider, networkFailure, PushMessage, PushOutcome } from './push.types';

/**
 * FCM HTTP v1 style: `POST {FCM_ENDPOINT}` with `{ message: { token, notification, data } }` and a
 * bearer token. 404 (UNREGISTERED) removes the token; 429/5xx retry; other 4xx are permanent.
 */
@Injectable()
export class FcmHttpV1Provider implements MobilePushProvider {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(token: string, m: PushMessage): Promise<PushOutcome> {
    const { fcmEndpoint, fcmAuthToken, httpTimeoutMs } = this.config.notify;
    if (!fcmEndpoint) return { outcome: 'off', error: 'mobile push is not configured' };
    const data: Record<string, string> = { notificationId: m.id, kind: m.kind, createdAt: m.createdAt };
    for (const [k, v] of Object.entries(m.data)) if (v !== null && v !== undefined) data[k] = String(v);
    try {
      const res = await fetch(fcmEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(fcmAuthToken ? { Authorization: `Bearer ${fcmAuthToken}` } : {}) },
        body: JSON.stringify({ message: { token, notification: { title: m.title, body: m.body }, data, android: { collapse_key: `n${m.id}` } } }),
        signal: AbortSignal.timeout(httpTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return classifyStatus(res.status);
    } catch (e) {
      return networkFailure(e);
    }
  }
}
