/**
 * Exact strings an ESIA client signs to produce `client_secret` (docs/esia.md "Strings signed").
 * Plain concatenation, no separators; sign their UTF-8 bytes. Every value must be exactly the
 * string that is sent: scope with the same single spaces and order, `redirect_uri` raw (not
 * URL-encoded), the same `timestamp` string. Nothing is normalised here.
 */

export interface EsiaV1SigningParams {
  scope: string;
  timestamp: string;
  clientId: string;
  state: string;
}

export interface EsiaV2AuthorizationSigningParams {
  clientId: string;
  scope: string;
  /** Organisation scopes; `""` / undefined when unused (still takes its place in the string). */
  scopeOrg?: string;
  timestamp: string;
  state: string;
  redirectUri: string;
}

export interface EsiaV3TokenSigningParams extends EsiaV2AuthorizationSigningParams {
  /** The authorization code for `grant_type=authorization_code`; omit for `refresh_token` / `client_credentials`. */
  code?: string;
}

function required(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`ESIA signing string: ${name} must be a non-empty string`);
  }
  return value;
}

function optional(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new TypeError(`ESIA signing string: ${name} must be a string`);
  return value;
}

/** Legacy `/aas/oauth2/ac` and `/aas/oauth2/te`: `scope + timestamp + client_id + state` (signed as detached CMS). */
export function buildV1SigningString(p: EsiaV1SigningParams): string {
  return required('scope', p.scope) + required('timestamp', p.timestamp) + required('clientId', p.clientId) + required('state', p.state);
}

/** `GET /aas/oauth2/v2/ac`: `client_id + scope + scope_org + timestamp + state + redirect_uri`. */
export function buildV2AuthorizationSigningString(p: EsiaV2AuthorizationSigningParams): string {
  return (
    required('clientId', p.clientId) +
    required('scope', p.scope) +
    optional('scopeOrg', p.scopeOrg) +
    required('timestamp', p.timestamp) +
    required('state', p.state) +
    required('redirectUri', p.redirectUri)
  );
}

/**
 * `POST /aas/oauth2/v3/te`: `client_id + scope + scope_org + timestamp + state + redirect_uri [+ code]`.
 * With `code` for `authorization_code`; without it for `refresh_token` and `client_credentials`.
 * A `code` that is present must be non-empty.
 */
export function buildV3TokenSigningString(p: EsiaV3TokenSigningParams): string {
  const code = p.code === undefined ? '' : required('code', p.code);
  return buildV2AuthorizationSigningString(p) + code;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Largest UTC offset accepted anywhere (±14:00). */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * ESIA `timestamp`: `yyyy.MM.dd HH:mm:ss ±hhmm` (PHP `Y.m.d H:i:s O`), e.g. `2025.03.14 10:20:30 +0300`.
 * By default the instant is written in UTC with `+0000`; pass `offsetMinutes` (e.g. 180 for
 * Moscow) to write local wall-clock time in that offset. Milliseconds are dropped (truncated).
 */
export function formatEsiaTimestamp(date: Date, offsetMinutes = 0): string {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError('formatEsiaTimestamp: invalid date');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) {
    throw new RangeError(`formatEsiaTimestamp: offsetMinutes must be an integer within ±${MAX_OFFSET_MINUTES}`);
  }
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError('formatEsiaTimestamp: year out of range');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${String(year).padStart(4, '0')}.${pad2(local.getUTCMonth() + 1)}.${pad2(local.getUTCDate())} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0); // day 0 of the next month = last day of `month` (no 19xx mapping for small years)
  return d.getUTCDate();
}

const TIMESTAMP_RE = /^(\d{4})\.(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/**
 * Parses an ESIA `timestamp` (strict format of {@link formatEsiaTimestamp}) into the instant it
 * denotes. Returns `null` for anything malformed or out of range (e.g. `2025.02.30`, `24:00:00`,
 * offset minutes ≥ 60 or offset beyond ±14:00). Leap seconds (`:60`) are rejected.
 */
export function parseEsiaTimestamp(value: string): Date | null {
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second, offH, offM] = [m[1], m[2], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offM > 59) return null;
  if (day > daysInMonth(year, month)) return null;
  const offset = (m[7] === '-' ? -1 : 1) * (offH * 60 + offM);
  if (Math.abs(offset) > MAX_OFFSET_MINUTES) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return new Date(d.getTime() - offset * 60_000);
}
