import { createVerify, KeyObject, X509Certificate } from 'node:crypto';

import { publicKeyAlgorithmOid } from './crypto/certificate';
import { decodeJwt, JsonObject } from './jwt';

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** Why a token was refused. */
export type EsiaTokenFailure =
  | 'malformed'
  | 'alg_none'
  | 'unsupported_alg'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_subject';

export class EsiaTokenError extends Error {
  constructor(
    readonly reason: EsiaTokenFailure,
    message: string,
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
  /** ESIA token-signing certificates (PEM text, may hold several blocks). Tokens verified by any of them pass. */
  trustedCertificates: Array<string | Buffer>;
  issuer: string;
  clientId: string;
  /** Clock leeway for exp/nbf/iat (default 60 s). */
  leewaySec?: number;
  /** Clock (ms since epoch), for tests. */
  now?: () => number;
}

/** The only algorithm accepted; `none`, HS*, GOST… are refused (ESIA.md §5.3, "Decisions"). */
export const SUPPORTED_TOKEN_ALGORITHMS = ['RS256'] as const;

const CERT_BLOCK_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Public keys of every RSA certificate in the given PEM texts (non-RSA certificates are rejected loudly). */
export function loadTrustedKeys(certificates: Array<string | Buffer>): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const cert of certificates) {
    const text = typeof cert === 'string' ? cert : cert.toString('latin1');
    const blocks = text.match(CERT_BLOCK_RE) ?? [];
    if (blocks.length === 0) throw new Error('ESIA trusted certificates: no PEM CERTIFICATE block found');
    for (const block of blocks) {
      const oid = publicKeyAlgorithmOid(block);
      if (oid !== OID_RSA_ENCRYPTION) throw new Error(`ESIA trusted certificates: only RSA (RS256) certificates are supported, got key algorithm ${oid}`);
      keys.push(new X509Certificate(block).publicKey);
    }
  }
  if (keys.length === 0) throw new Error('ESIA trusted certificates: none configured');
  return keys;
}

/**
 * Verifies ESIA JWTs (ESIA.md §5.3): RS256 signature against any trusted certificate (ESIA rotates
 * them without notice), `iss`, audience (`client_id` claim for access tokens, `aud` for id_tokens),
 * `exp`/`nbf`/`iat` with leeway. Throws {@link EsiaTokenError}.
 */
export class EsiaTokenVerifier {
  private readonly keys: KeyObject[];
  private readonly leewaySec: number;
  private readonly now: () => number;

  constructor(private readonly options: EsiaTokenVerifierOptions) {
    this.keys = loadTrustedKeys(options.trustedCertificates);
    this.leewaySec = options.leewaySec ?? 60;
    this.now = options.now ?? Date.now;
  }

  get trustedKeyCount(): number {
    return this.keys.length;
  }

  verifyAccessToken(token: string): EsiaAccessTokenClaims {
    const claims = this.verifySignedClaims(token);
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

  verifyIdToken(token: string): EsiaIdTokenClaims {
    const claims = this.verifySignedClaims(token);
    const aud = claims.aud;
    const audOk = Array.isArray(aud) ? aud.includes(this.options.clientId) : aud === this.options.clientId;
    if (!audOk) throw new EsiaTokenError('wrong_audience', 'id_token: aud does not match');
    const sbj = claims['urn:esia:sbj'] as JsonObject | undefined;
    const trusted = sbj && typeof sbj['urn:esia:sbj:is_tru'] === 'boolean' ? (sbj['urn:esia:sbj:is_tru'] as boolean) : undefined;
    return { oid: subjectId(claims.sub), trusted, expiresAt: new Date(Number(claims.exp) * 1000), claims };
  }

  private verifySignedClaims(token: string): JsonObject {
    const jwt = decodeJwt(token);
    if (!jwt) throw new EsiaTokenError('malformed', 'token is not a compact JWS');
    const alg = jwt.header.alg;
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || alg === '') throw new EsiaTokenError('alg_none', 'token is not signed (alg none)');
    if (!(SUPPORTED_TOKEN_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new EsiaTokenError('unsupported_alg', `token algorithm ${alg.slice(0, 32)} is not supported`);
    }
    if (jwt.signature.length === 0) throw new EsiaTokenError('bad_signature', 'token has no signature');
    const ok = this.keys.some((key) => createVerify('RSA-SHA256').update(jwt.signingInput).verify(key, jwt.signature));
    if (!ok) throw new EsiaTokenError('bad_signature', 'token signature does not verify with any trusted ESIA certificate');

    const c = jwt.payload;
    if (c.iss !== this.options.issuer) throw new EsiaTokenError('wrong_issuer', 'token issuer does not match');
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
