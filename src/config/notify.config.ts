import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvReader, NodeEnv } from './env';
import { ESIA_EMULATOR_PATH } from './esia.config';

// ---------------------------------------------------------------------------------------------
// Notifications, push delivery, outbox relay and state-portal sync (types)
// ---------------------------------------------------------------------------------------------

export interface NotifyConfig {
  /** Outbox relay: pause between polls when there is nothing to publish, and rows per batch. */
  outboxPollMs: number;
  outboxBatchSize: number;
  /** Web Push VAPID keys (URL-safe base64) and contact; null = Web Push off (subscriptions still accepted). */
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  /** Mobile push (FCM HTTP v1 with a service account); null = mobile push off. */
  fcm: FcmConfig | null;
  /** Push delivery attempts and the base delay of the exponential backoff. */
  pushAttempts: number;
  pushBackoffMs: number;
  /** Timeout of one outbound push or portal call. */
  httpTimeoutMs: number;
  /** State portal endpoint; null = portal sync off (events are not queued for it). */
  portalSyncUrl: string | null;
  /** Bearer token for the portal, if it wants one. */
  portalSyncToken: string | null;
  /** First retry delay (30 s by default; tests shorten it), then exponential with jitter up to the cap. */
  portalFirstRetryMs: number;
  portalMaxRetryDelayMs: number;
  /** Attempts before a delivery is parked as failed. */
  portalAttempts: number;
  /** SSE heartbeat (comment line) interval. */
  sseHeartbeatMs: number;
}

/** FCM HTTP v1: the service account (from FCM_SERVICE_ACCOUNT_FILE) whose OAuth tokens sign the sends. */
export interface FcmConfig {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | null;
  /** Where OAuth tokens come from: the key file's token_uri (Google's token endpoint). */
  tokenUri: string;
  /** `https://fcm.googleapis.com/v1/projects/<project_id>/messages:send`, or FCM_ENDPOINT. */
  endpoint: string;
}

/** Google's OAuth 2.0 token endpoint (the token_uri of every service-account key file). */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * Reads and checks a service-account key file (FCM_SERVICE_ACCOUNT_FILE). Problems go to `problems`,
 * naming fields, never their values.
 */
function loadFcmServiceAccount(
  path: string,
  endpointOverride: string | undefined,
  production: boolean,
  problems: string[],
): FcmConfig | null {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    problems.push(
      `FCM_SERVICE_ACCOUNT_FILE: cannot read a JSON key file at ${path} (${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'})`,
    );
    return null;
  }
  const field = (k: string): string | null =>
    typeof json[k] === 'string' && (json[k] as string).trim() !== '' ? (json[k] as string) : null;
  const missing = ['project_id', 'client_email', 'private_key'].filter((k) => field(k) === null);
  if (json.type !== 'service_account') missing.unshift('type: "service_account"');
  if (missing.length) {
    problems.push(`FCM_SERVICE_ACCOUNT_FILE is not a service-account key file (missing ${missing.join(', ')})`);
    return null;
  }
  const https = (name: string, v: string): boolean => {
    try {
      const u = new URL(v);
      if (u.protocol === 'https:' || (!production && u.protocol === 'http:')) return true;
    } catch {
      /* reported below */
    }
    problems.push(`${name} must be an ${production ? 'https' : 'http(s)'} URL`);
    return false;
  };
  const tokenUri = field('token_uri') ?? GOOGLE_TOKEN_URI;
  const projectId = field('project_id')!;
  const endpoint = endpointOverride ?? `https://fcm.googleapis.com/v1/projects/${encodeURIComponent(projectId)}/messages:send`;
  if (!https('FCM_SERVICE_ACCOUNT_FILE token_uri', tokenUri) || !https('FCM_ENDPOINT', endpoint)) return null;
  return {
    projectId,
    clientEmail: field('client_email')!,
    privateKey: field('private_key')!,
    privateKeyId: field('private_key_id'),
    tokenUri,
    endpoint,
  };
}

/**
 * Notifications configuration (OUTBOX_*, VAPID_*, FCM_*, PUSH_*, PORTAL_SYNC_*, SSE_*).
 * Outside production missing VAPID keys are generated per process (with a warning); production
 * without them runs with Web Push off. PORTAL_SYNC_URL defaults to the emulator's dev receiver in
 * development (emulator on) and is off otherwise.
 */
export function loadNotifyConfig(
  r: EnvReader,
  { nodeEnv, production, emulatorOn, localBase }: { nodeEnv: NodeEnv; production: boolean; emulatorOn: boolean; localBase: string },
): NotifyConfig {
  const { str, int, url, problems, warnings } = r;
  let vapid: NotifyConfig['vapid'] = null;
  const vapidPublic = str('VAPID_PUBLIC_KEY');
  const vapidPrivate = str('VAPID_PRIVATE_KEY');
  const vapidSubject = str('VAPID_SUBJECT') ?? 'mailto:support@diary.invalid';
  if (!/^(mailto:|https:)/.test(vapidSubject)) problems.push('VAPID_SUBJECT must be a mailto: or https: URL');
  if ((vapidPublic === undefined) !== (vapidPrivate === undefined))
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together');
  else if (vapidPublic !== undefined && vapidPrivate !== undefined) {
    if (!/^[A-Za-z0-9_-]{80,100}$/.test(vapidPublic))
      problems.push('VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (65 bytes)');
    if (!/^[A-Za-z0-9_-]{40,50}$/.test(vapidPrivate))
      problems.push('VAPID_PRIVATE_KEY must be a URL-safe base64 P-256 private key (32 bytes)');
    vapid = { publicKey: vapidPublic, privateKey: vapidPrivate, subject: vapidSubject };
  } else if (production) {
    warnings.push('VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY are not set: Web Push is off');
  } else {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    vapid = {
      publicKey: ecdh.getPublicKey().toString('base64url'),
      privateKey: ecdh.getPrivateKey().toString('base64url'),
      subject: vapidSubject,
    };
    if (nodeEnv !== 'test')
      warnings.push('VAPID keys are not set: generated a pair for this process; browser subscriptions will not survive a restart');
  }
  const optionalUrl = (name: string, def: string | null): string | null => {
    if (str(name) === undefined && def === null) return null;
    return url(name, def ?? '', production ? ['https:'] : ['http:', 'https:']);
  };
  // Mobile push: FCM HTTP v1 signed with a service account (tokens fetched and refreshed by the
  // provider). FCM_AUTH_TOKEN (a fixed OAuth token: it expired within the hour) is no longer read.
  const fcmFile = str('FCM_SERVICE_ACCOUNT_FILE');
  if (str('FCM_AUTH_TOKEN') !== undefined) {
    warnings.push(
      'FCM_AUTH_TOKEN is no longer read (a fixed OAuth token expires within the hour): set FCM_SERVICE_ACCOUNT_FILE to a service-account key file',
    );
  }
  if (fcmFile === undefined && str('FCM_ENDPOINT') !== undefined)
    problems.push('FCM_ENDPOINT needs FCM_SERVICE_ACCOUNT_FILE (mobile push signs its requests with a service account)');
  const fcm = fcmFile === undefined ? null : loadFcmServiceAccount(resolve(fcmFile), str('FCM_ENDPOINT'), production, problems);
  const notify: NotifyConfig = {
    outboxPollMs: int('OUTBOX_POLL_MS', 250, 10, 60_000),
    outboxBatchSize: int('OUTBOX_BATCH_SIZE', 200, 1, 5000),
    vapid,
    fcm,
    pushAttempts: int('PUSH_ATTEMPTS', 6, 1, 50),
    pushBackoffMs: int('PUSH_BACKOFF_MS', 5_000, 10, 3_600_000),
    httpTimeoutMs: int('NOTIFY_HTTP_TIMEOUT_MS', 10_000, 100, 120_000),
    portalSyncUrl: optionalUrl(
      'PORTAL_SYNC_URL',
      nodeEnv === 'development' && emulatorOn ? `${localBase}/${ESIA_EMULATOR_PATH}/portal/events` : null,
    ),
    portalSyncToken: str('PORTAL_SYNC_TOKEN') ?? null,
    portalFirstRetryMs: int('PORTAL_SYNC_FIRST_RETRY_MS', 30_000, 10, 86_400_000),
    portalMaxRetryDelayMs: int('PORTAL_SYNC_MAX_RETRY_DELAY_MS', 6 * 3_600_000, 10, 7 * 86_400_000),
    portalAttempts: int('PORTAL_SYNC_ATTEMPTS', 12, 1, 100),
    sseHeartbeatMs: int('SSE_HEARTBEAT_MS', 25_000, 50, 300_000),
  };
  return notify;
}
