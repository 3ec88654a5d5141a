import { createHash } from 'node:crypto';

import { EsiaTokenAlgorithm } from '../../config/app-config';
import { JsonObject } from '../esia/jwt';
import { EsiaEmulatorError } from './emulator-errors';

/** Keys are auto-prefixed by the shared Redis client; everything the emulator keeps lives under `esia-emu:`. */
export const K = {
  authRequest: (id: string) => `esia-emu:authreq:${id}`,
  code: (code: string) => `esia-emu:code:${code}`,
  refresh: (token: string) => `esia-emu:refresh:${token}`,
  person: (oid: string) => `esia-emu:person:${oid}`,
  persons: 'esia-emu:persons',
  client: (id: string) => `esia-emu:client:${id}`,
  clients: 'esia-emu:clients',
  tokenSigning: 'esia-emu:token-signing',
};

export const AUTH_REQUEST_TTL_SEC = 600;
export const CODE_TTL_SEC = 300;
export const REFRESH_TTL_SEC = 30 * 24 * 3600;
export const ACCESS_TOKEN_TTL_SEC = 3600;
export const ID_TOKEN_TTL_SEC = 3 * 3600;
/** Allowed clock difference for `timestamp` (ESIA's real window is undocumented). */
export const TIMESTAMP_WINDOW_SEC = 300;

export const KNOWN_SCOPES = new Set([
  'openid',
  'fullname',
  'birthdate',
  'birthplace',
  'gender',
  'snils',
  'inn',
  'id_doc',
  'citizenship',
  'email',
  'mobile',
  'contacts',
  'addresses',
  'usr_org',
  'vehicles',
  'birth_cert_doc',
  'medical_doc',
  'drivers_licence_doc',
  'military_doc',
  'foreign_passport_doc',
  'kid_fullname',
  'kid_birthdate',
  'kid_gender',
  'kid_snils',
  'kid_inn',
  'kid_birth_cert_doc',
  'kid_medical_doc',
]);

export interface EmulatorClient {
  clientId: string;
  certificatePems: string[];
  redirectUris: string[];
  /**
   * Scopes ESIA grants this IS (ESIA: what the IS was approved for); a requested scope outside the list
   * is left out of the grant and of the token (emulator setting). Absent: every known scope.
   */
  grantedScopes?: string[];
}

/** The key the emulator signs tokens with (ESIA: the algorithm set for the IS on the tech portal, and ESIA's current certificate). */
export interface TokenSigning {
  alg: EsiaTokenAlgorithm;
  keyPath: string;
  certPath: string;
}

export interface PendingAuthRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  accessType: 'online' | 'offline';
  oid?: string;
}

export interface GrantData {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  oid: string;
  accessType: 'online' | 'offline';
  sid: string;
  authTime: number;
}

export type AuthorizeOutcome =
  | { kind: 'login'; requestId: string }
  | { kind: 'redirect'; location: string; error: EsiaEmulatorError }
  | { kind: 'page'; error: EsiaEmulatorError };

export interface TokenOutcome {
  status: number;
  body: JsonObject;
}

export type RestAuth = { ok: true; scopes: string[] } | { ok: false; status: 401 | 403; error: string };

export type Params = Record<string, unknown>;

/** `url` with the given query parameters added (existing ones kept); undefined values are skipped. */
export function withParams(url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export function eTag(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').toUpperCase();
}
