import { createVerify } from 'node:crypto';

import { ESIA_TOKEN_ALGORITHMS, EsiaTokenAlgorithm } from '../../config/app-config';
import { OpenSslCommonOptions, verifyGostSignature } from './crypto';
import { decodeJwt, DecodedJwt, JsonObject } from './jwt';
import { TrustedTokenCertificate } from './token-certificates';

/** Why a token was refused. */
export type EsiaTokenFailure =
  | 'malformed'
  | 'alg_none'
  /** An `alg` ESIA never uses (HS256, RS512, GOST3410_2012_512…). */
  | 'unsupported_alg'
  /** An ESIA algorithm left out of ESIA_TOKEN_ALGORITHMS. */
  | 'alg_not_allowed'
  /** An allowed algorithm for which no trusted certificate of that kind is configured. */
  | 'no_certificate_for_alg'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_subject';

/** What the refused token said (header `alg`, claim `iss`), for the admin's connection report; never personal data. */
export interface EsiaTokenObservation {
  alg?: string;
  iss?: string;
}

export class EsiaTokenError extends Error {
  constructor(
    readonly reason: EsiaTokenFailure,
    message: string,
    readonly observed: EsiaTokenObservation = {},
  ) {
    super(message);
    this.name = 'EsiaTokenError';
  }
}

export interface EsiaAccessTokenClaims {
  oid: string;
  /** Scope names without `?oid=…`. */
  scopes: string[];
  clientId: string;
  sessionId?: string;
  issuedAt: Date;
  expiresAt: Date;
  claims: JsonObject;
}

export interface EsiaIdTokenClaims {
  oid: string;
  /** `urn:esia:sbj:is_tru` when present. */
  trusted?: boolean;
  expiresAt: Date;
  claims: JsonObject;
}

export interface EsiaTokenVerifierOptions {
  /** ESIA token-signing certificates ({@link parseTrustedCertificates}); a token verified by any one of its algorithm passes. */
  certificates: readonly TrustedTokenCertificate[];
  /** Accepted `alg` values (default: both ESIA algorithms). */
  algorithms?: readonly EsiaTokenAlgorithm[];
  issuer: string;
  clientId: string;
  /** Clock leeway for exp/nbf/iat (default 60 s). */
  leewaySec?: number;
  /** Clock (ms since epoch), for tests. */
  now?: () => number;
  /** openssl binary/timeout for GOST signatures. */
  openssl?: OpenSslCommonOptions;
}

const short = (v: unknown, n: number): string | undefined => (typeof v === 'string' ? v.slice(0, n) : undefined);

/**
 * Verifies ESIA JWTs (docs/esia.md "Token checks"): the signature with the trusted certificates of the
 * token's own `alg` — RS256 (RSA-SHA256) or GOST3410_2012_256 (GOST R 34.10-2012 over Streebog-256 of
 * `HEADER.PAYLOAD`, 64 raw bytes in OpenSSL's order, base64url; docs/esia.md "Tokens signed with GOST") —
 * trying every certificate of that algorithm (ESIA rotates them without notice), the one a `kid`/`x5t`
 * header names first; then `iss`, the audience (`client_id` claim for access tokens, `aud` for
 * id_tokens) and `exp`/`nbf`/`iat` with leeway. Throws {@link EsiaTokenError}.
 */
export class EsiaTokenVerifier {
  private readonly algorithms: readonly EsiaTokenAlgorithm[];
  private readonly leewaySec: number;
  private readonly now: () => number;

  constructor(private readonly options: EsiaTokenVerifierOptions) {
    this.algorithms = options.algorithms ?? ESIA_TOKEN_ALGORITHMS;
    this.leewaySec = options.leewaySec ?? 60;
    this.now = options.now ?? Date.now;
  }

  get trustedKeyCount(): number {
    return this.options.certificates.length;
  }

  async verifyAccessToken(token: string): Promise<EsiaAccessTokenClaims> {
    const claims = await this.verifySignedClaims(token);
    if (claims.client_id !== this.options.clientId) throw new EsiaTokenError('wrong_audience', 'access token: client_id does not match');
    const oid = subjectId(claims['urn:esia:sbj_id']);
    const scope = typeof claims.scope === 'string' ? claims.scope : '';
    return {
      oid,
      scopes: parseGrantedScopes(scope),
      clientId: claims.client_id,
      sessionId: typeof claims['urn:esia:sid'] === 'string' ? claims['urn:esia:sid'] : undefined,
      issuedAt: new Date(Number(claims.iat ?? 0) * 1000),
      expiresAt: new Date(Number(claims.exp) * 1000),
      claims,
    };
  }

  async verifyIdToken(token: string): Promise<EsiaIdTokenClaims> {
    const claims = await this.verifySignedClaims(token);
    const aud = claims.aud;
    const audOk = Array.isArray(aud) ? aud.includes(this.options.clientId) : aud === this.options.clientId;
    if (!audOk) throw new EsiaTokenError('wrong_audience', 'id_token: aud does not match');
    const sbj = claims['urn:esia:sbj'] as JsonObject | undefined;
    const trusted = sbj && typeof sbj['urn:esia:sbj:is_tru'] === 'boolean' ? (sbj['urn:esia:sbj:is_tru'] as boolean) : undefined;
    return { oid: subjectId(claims.sub), trusted, expiresAt: new Date(Number(claims.exp) * 1000), claims };
  }

  private async verifySignedClaims(token: string): Promise<JsonObject> {
    const jwt = decodeJwt(token);
    if (!jwt) throw new EsiaTokenError('malformed', 'token is not a compact JWS');
    const alg = jwt.header.alg;
    const observed: EsiaTokenObservation = { alg: short(alg, 32), iss: short(jwt.payload.iss, 100) };
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || alg === '')
      throw new EsiaTokenError('alg_none', 'token is not signed (alg none)', observed);
    if (!(ESIA_TOKEN_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new EsiaTokenError('unsupported_alg', `token algorithm ${alg.slice(0, 32)} is not one ESIA signs with`, observed);
    }
    if (!this.algorithms.includes(alg as EsiaTokenAlgorithm)) {
      throw new EsiaTokenError('alg_not_allowed', `token algorithm ${alg} is not in ESIA_TOKEN_ALGORITHMS`, observed);
    }
    const candidates = this.options.certificates.filter((c) => c.alg === alg);
    if (candidates.length === 0) throw new EsiaTokenError('no_certificate_for_alg', `no trusted ESIA certificate checks ${alg}`, observed);
    if (jwt.signature.length === 0) throw new EsiaTokenError('bad_signature', 'token has no signature', observed);
    if (!(await this.anySignatureMatches(jwt, orderByKeyHint(candidates, jwt.header)))) {
      throw new EsiaTokenError('bad_signature', `token signature does not verify with any trusted ${alg} certificate`, observed);
    }

    const c = jwt.payload;
    if (c.iss !== this.options.issuer) throw new EsiaTokenError('wrong_issuer', 'token issuer does not match', observed);
    const nowSec = this.now() / 1000;
    const exp = c.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new EsiaTokenError('malformed', 'token has no exp');
    if (nowSec > exp + this.leewaySec) throw new EsiaTokenError('expired', 'token has expired');
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || nowSec + this.leewaySec < c.nbf)) {
      throw new EsiaTokenError('not_yet_valid', 'token is not valid yet (nbf)');
    }
    if (c.iat !== undefined && (typeof c.iat !== 'number' || nowSec + this.leewaySec < c.iat)) {
      throw new EsiaTokenError('not_yet_valid', 'token is issued in the future (iat)');
    }
    return c;
  }

  private async anySignatureMatches(jwt: DecodedJwt, certificates: TrustedTokenCertificate[]): Promise<boolean> {
    for (const cert of certificates) {
      if (await jwsSignatureMatches(jwt, cert, this.options.openssl)) return true;
    }
    return false;
  }
}

/** True when `jwt`'s signature (its header's `alg`) verifies with `cert`. GOST goes through openssl (which may throw). */
export async function jwsSignatureMatches(
  jwt: DecodedJwt,
  cert: TrustedTokenCertificate,
  openssl: OpenSslCommonOptions = {},
): Promise<boolean> {
  if (jwt.header.alg !== cert.alg) return false;
  if (cert.alg === 'RS256') return !!cert.rsaKey && createVerify('RSA-SHA256').update(jwt.signingInput).verify(cert.rsaKey, jwt.signature);
  return verifyGostSignature(jwt.signingInput, jwt.signature, cert.der, openssl);
}

/**
 * Certificates named by the header (`kid`, `x5t`, `x5t#S256`: a thumbprint or serial number) first, the
 * rest after: a hint only, never a requirement, since ESIA's tokens carry none of them today.
 */
export function orderByKeyHint(certificates: TrustedTokenCertificate[], header: JsonObject): TrustedTokenCertificate[] {
  const hints = ['kid', 'x5t', 'x5t#S256']
    .map((k) => header[k])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.toLowerCase().replace(/:/g, ''));
  if (hints.length === 0) return certificates;
  const named = certificates.filter((c) => c.ids.some((id) => hints.includes(id)));
  return [...named, ...certificates.filter((c) => !named.includes(c))];
}

function subjectId(value: unknown): string {
  const s = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : '';
  if (!/^\d{1,20}$/.test(s)) throw new EsiaTokenError('bad_subject', 'token has no numeric subject id');
  return s;
}

/** `"openid fullname?oid=1 http://esia.gosuslugi.ru/snils?oid=1"` → `['openid', 'fullname', 'snils']`. */
export function parseGrantedScopes(scope: string): string[] {
  return scope
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => s.split('?')[0].replace(/^https?:\/\/[^/]+\//, ''))
    .filter((s) => s !== '');
}
