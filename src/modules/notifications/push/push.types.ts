import { createHash } from 'node:crypto';

/** What a push carries: the notification as the client shows it (ids and display text, no tokens). */
export interface PushMessage {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  /**
   * The same for every send of one notification (see `pushTag`): Web Push `Topic`, FCM `collapse_key`
   * and Android notification `tag`, APNs `apns-collapse-id`. A resend (after a crash) replaces the
   * first copy instead of showing twice; clients pass it as `tag` to showNotification().
   */
  tag: string;
  /** Data only, nothing to show (mobile: no `notification` block); device confirmations. */
  silent?: boolean;
}

/**
 * The tag of one notification: 32 URL-safe base64 characters (the Web Push Topic limit) derived from its
 * id and creation time, so a notification id handed out again after a database restore gets another tag.
 */
export const pushTag = (notificationId: string, createdAt: string): string =>
  createHash('sha256').update(`notification:${notificationId}:${createdAt}`).digest('base64url').slice(0, 32);

/**
 * Result of one push attempt. sent: accepted; gone: the subscription/token no longer exists (404/410),
 * remove the device; retry: 429/5xx/network (Bull backs off); permanent: any other refusal (do not
 * retry); off: the provider is not configured.
 */
export type PushOutcome =
  | { outcome: 'sent'; status: number }
  | { outcome: 'gone'; status: number }
  | { outcome: 'retry'; error: string }
  | { outcome: 'permanent'; error: string }
  | { outcome: 'off'; error: string };

/** Maps an HTTP answer of a push service to an outcome. */
export function classifyStatus(status: number): PushOutcome {
  if (status >= 200 && status < 300) return { outcome: 'sent', status };
  if (status === 404 || status === 410) return { outcome: 'gone', status };
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { outcome: 'retry', error: `HTTP ${status}` };
  return { outcome: 'permanent', error: `HTTP ${status}` };
}

/** Network-level failure (refused, reset, timeout): always worth a retry. Never includes the URL. */
export function networkFailure(e: unknown): PushOutcome {
  const err = e as { name?: string; cause?: { code?: string } };
  const what = err?.name === 'TimeoutError' ? 'timeout' : (err?.cause?.code ?? err?.name ?? 'network error');
  return { outcome: 'retry', error: `network: ${what}` };
}

/** The mobile push provider (FCM HTTP v1 style; APNs-style providers can implement the same port). */
export interface MobilePushProvider {
  send(token: string, message: PushMessage): Promise<PushOutcome>;
}

export const MOBILE_PUSH_PROVIDER = Symbol('MOBILE_PUSH_PROVIDER');
