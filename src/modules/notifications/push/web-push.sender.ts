import { Inject, Injectable } from '@nestjs/common';
import * as webpush from 'web-push';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { classifyStatus, networkFailure, PushMessage, PushOutcome } from './push.types';

export interface WebPushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * Web Push (RFC 8030/8291/8292): the `web-push` package encrypts the payload (aes128gcm) and signs the
 * VAPID header; we send the prepared request with fetch so the timeout and the answer classification are
 * ours (and a plain-http endpoint works in tests). `Topic` (the message's tag, the same for every send
 * of one notification) lets the push service replace an undelivered duplicate of the same notification.
 */
@Injectable()
export class WebPushSender {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get publicKey(): string | null {
    return this.config.notify.vapid?.publicKey ?? null;
  }

  async send(target: WebPushTarget, m: PushMessage): Promise<PushOutcome> {
    const vapid = this.config.notify.vapid;
    if (!vapid) return { outcome: 'off', error: 'Web Push is not configured' };
    let details: { method: string; headers: Record<string, string | number>; body: Buffer | null; endpoint: string };
    try {
      details = webpush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        JSON.stringify(m),
        { vapidDetails: vapid, TTL: 24 * 3600, urgency: 'normal', topic: m.tag },
      ) as unknown as typeof details;
    } catch (e) {
      // bad keys in the subscription: nothing to retry
      return { outcome: 'permanent', error: `cannot encrypt for this subscription: ${(e as Error).message}`.slice(0, 200) };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    try {
      const res = await fetch(details.endpoint, {
        method: details.method,
        headers,
        body: details.body ? new Uint8Array(details.body) : undefined,
        signal: AbortSignal.timeout(this.config.notify.httpTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return classifyStatus(res.status);
    } catch (e) {
      return networkFailure(e);
    }
  }
}
