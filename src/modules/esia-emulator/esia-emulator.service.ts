import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, createPrivateKey, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { formatSnils } from '../../common/validation/snils';
import { AppConfig, EsiaConfig, EsiaEmulatorConfig, EsiaTokenAlgorithm } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import {
  buildV2AuthorizationSigningString,
  buildV3TokenSigningString,
  certificateToDer,
  computeCertificateHashHex,
  derToPem,
  OpenSslGostSigner,
  parseEsiaTimestamp,
  verifyGostSignature,
} from '../esia/crypto';
import { jwsSignatureMatches } from '../esia/esia-token-verifier';
import { ensureEsiaTestKeys } from '../esia/esia-test-keys';
import { decodeJwt, JsonObject, signJwtWith, signRs256Jwt } from '../esia/jwt';
import { TrustedTokenCertificate, trustedCertificatesFrom } from '../esia/token-certificates';
import { EmulatorErrors, EsiaEmulatorError } from './emulator-errors';
import { EmulatorPerson } from './emulator-person';
import { ESIA_EMULATOR_FIXTURES } from './fixtures';

/** Keys are auto-prefixed by the shared Redis client; everything the emulator keeps lives under `esia-emu:`. */
const K = {
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

interface GrantData {
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

type Params = Record<string, unknown>;

/**
 * The ESIA emulator's protocol logic: the same checks, in the same order, as real ESIA
 * (docs/esia.md "Error codes"), and tokens shaped like ESIA's, signed RS256 or GOST3410_2012_256
 * (docs/esia.md "Token checks"). All state is in Redis, so several instances can serve it.
 */
@Injectable()
export class EsiaEmulatorService implements OnModuleInit {
  private readonly rsaKeys = new Map<string, Promise<KeyObject>>();
  private readonly gostSigners = new Map<string, OpenSslGostSigner>();
  private readonly certificates = new Map<string, Promise<TrustedTokenCertificate[]>>();
  private readonly hashCache = new Map<string, Promise<string>>();
  private readonly esia: EsiaConfig;
  private readonly emulator: EsiaEmulatorConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    if (!config.esia || !config.esiaEmulator) throw new Error('EsiaEmulatorModule needs ESIA_EMULATOR=true');
    this.esia = config.esia;
    this.emulator = config.esiaEmulator;
  }

  async onModuleInit(): Promise<void> {
    await ensureEsiaTestKeys(this.emulator.testKeysDir);
    await this.tokenCertificatePem(); // fails the start when the configured token key is unreadable
  }

  /** The emulator's current token-signing certificate, PEM (non-ESIA extra: `/public/esia.pem`). */
  async tokenCertificatePem(): Promise<string> {
    return readFile((await this.tokenSigning()).certPath, 'utf8');
  }

  // ---------------------------------------------------------------- token signing

  /** The signing key in force: the one set through the admin endpoint, else the configured algorithm's. */
  async tokenSigning(): Promise<TokenSigning> {
    const stored = await this.redis.get(K.tokenSigning);
    if (stored) return JSON.parse(stored) as TokenSigning;
    const alg = this.emulator.tokenAlgorithm;
    return { alg, ...this.emulator.tokenKeys[alg] };
  }

  /**
   * Switches the algorithm and key tokens are signed with (test helper: ESIA's tech-portal setting and
   * ESIA's certificate rotation). Without paths, the configured key of that algorithm. Checked with a
   * probe token before it is stored.
   */
  async setTokenSigning(alg: EsiaTokenAlgorithm, keyPath?: string, certPath?: string): Promise<TokenSigning> {
    const signing: TokenSigning = keyPath && certPath ? { alg, keyPath, certPath } : { alg, ...this.emulator.tokenKeys[alg] };
    const probe = decodeJwt(await this.signJwt({ typ: 'JWT' }, { probe: randomUUID() }, signing));
    const [cert] = await this.certificatesOf(signing.certPath);
    if (!probe || !cert || !(await jwsSignatureMatches(probe, cert))) throw new Error('token key and certificate do not match');
    await this.redis.set(K.tokenSigning, JSON.stringify(signing));
    return signing;
  }

  private async signJwt(header: JsonObject, payload: JsonObject, signing: TokenSigning): Promise<string> {
    if (signing.alg === 'RS256') return signRs256Jwt({ ...header, alg: 'RS256' }, payload, await this.rsaKey(signing.keyPath));
    let signer = this.gostSigners.get(signing.keyPath);
    if (!signer) {
      signer = new OpenSslGostSigner({ keyPath: signing.keyPath, certPath: signing.certPath });
      this.gostSigners.set(signing.keyPath, signer);
    }
    const gost = signer;
    return signJwtWith({ ...header, alg: 'GOST3410_2012_256' }, payload, (input) => gost.sign(input));
  }

  private rsaKey(path: string): Promise<KeyObject> {
    let p = this.rsaKeys.get(path);
    if (!p) {
      p = readFile(path, 'utf8').then((pem) => createPrivateKey(pem));
      this.rsaKeys.set(path, p);
      p.catch(() => this.rsaKeys.delete(path));
    }
    return p;
  }

  private certificatesOf(path: string): Promise<TrustedTokenCertificate[]> {
    let p = this.certificates.get(path);
    if (!p) {
      p = readFile(path).then((data) => trustedCertificatesFrom(data));
      this.certificates.set(path, p);
      p.catch(() => this.certificates.delete(path));
    }
    return p;
  }

  /** True when `token` carries a signature by one of the emulator's token keys (configured ones and the one in force). */
  private async signedByEmulator(token: NonNullable<ReturnType<typeof decodeJwt>>): Promise<boolean> {
    const current = await this.tokenSigning();
    const paths = new Set([this.emulator.tokenKeys.RS256.certPath, this.emulator.tokenKeys.GOST3410_2012_256.certPath, current.certPath]);
    for (const path of paths) {
      for (const cert of await this.certificatesOf(path)) if (await jwsSignatureMatches(token, cert)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- clients

  async client(clientId: string): Promise<EmulatorClient | null> {
    const stored = await this.redis.get(K.client(clientId));
    if (stored) return JSON.parse(stored) as EmulatorClient;
    if (clientId !== this.esia.clientId) return null;
    // the app's own IS: its certificate file as configured (PEM or DER)
    const pem = derToPem(certificateToDer(await readFile(this.esia.certPath)), 'CERTIFICATE');
    return { clientId, certificatePems: [pem], redirectUris: [this.esia.redirectUri] };
  }

  async registerClient(client: EmulatorClient): Promise<void> {
    const unknown = client.grantedScopes?.find((sc) => !KNOWN_SCOPES.has(sc));
    if (unknown !== undefined) throw new Error(`unknown scope ${unknown}`);
    await Promise.all(client.certificatePems.map((pem) => this.certHash(pem))); // fails early on a bad certificate
    await this.redis.multi().set(K.client(client.clientId), JSON.stringify(client)).sadd(K.clients, client.clientId).exec();
  }

  private async allClients(): Promise<EmulatorClient[]> {
    const ids = new Set([this.esia.clientId, ...(await this.redis.smembers(K.clients))]);
    const clients = await Promise.all([...ids].map((id) => this.client(id)));
    return clients.filter((c): c is EmulatorClient => c !== null);
  }

  private certHash(pem: string): Promise<string> {
    let p = this.hashCache.get(pem);
    if (!p) {
      p = computeCertificateHashHex(pem);
      this.hashCache.set(pem, p);
      p.catch(() => this.hashCache.delete(pem));
    }
    return p;
  }

  /** Certificate of `client` selected by `hash`, or the ESIA error: hash of another IS's certificate → 007002, unknown → 007053. */
  private async certificateFor(client: EmulatorClient, hash: string): Promise<{ pem: string } | { error: EsiaEmulatorError }> {
    const wanted = hash.toUpperCase();
    for (const pem of client.certificatePems) if ((await this.certHash(pem)) === wanted) return { pem };
    for (const other of await this.allClients()) {
      if (other.clientId === client.clientId) continue;
      for (const pem of other.certificatePems)
        if ((await this.certHash(pem)) === wanted) return { error: EmulatorErrors.certificateNotBound() };
    }
    return { error: EmulatorErrors.clientSecretWrong() };
  }

  // ---------------------------------------------------------------- persons

  async person(oid: string): Promise<EmulatorPerson | null> {
    const stored = await this.redis.get(K.person(oid));
    if (stored) return JSON.parse(stored) as EmulatorPerson;
    return ESIA_EMULATOR_FIXTURES.find((p) => p.oid === oid) ?? null;
  }

  async persons(): Promise<EmulatorPerson[]> {
    const added = await this.redis.smembers(K.persons);
    const stored = (await Promise.all(added.sort().map((oid) => this.person(oid)))).filter((p): p is EmulatorPerson => p !== null);
    const storedOids = new Set(stored.map((p) => p.oid));
    return [...ESIA_EMULATOR_FIXTURES.filter((p) => !storedOids.has(p.oid)), ...stored];
  }

  async addPerson(person: EmulatorPerson): Promise<string> {
    const p = { ...person, snils: person.snils ? formatSnils(person.snils) : undefined };
    await this.redis.multi().set(K.person(p.oid), JSON.stringify(p)).sadd(K.persons, p.oid).exec();
    return p.oid;
  }

  // ---------------------------------------------------------------- /aas/oauth2/v2/ac

  async authorize(q: Params): Promise<AuthorizeOutcome> {
    const get = (name: string): string | undefined => (typeof q[name] === 'string' && q[name] !== '' ? (q[name] as string) : undefined);
    const clientId = get('client_id');
    const redirectUri = get('redirect_uri');
    const state = get('state');
    const client = clientId ? await this.client(clientId) : null;
    const canRedirect = client !== null && redirectUri !== undefined && client.redirectUris.includes(redirectUri);
    const fail = (error: EsiaEmulatorError): AuthorizeOutcome =>
      canRedirect
        ? {
            kind: 'redirect',
            error,
            location: withParams(redirectUri!, { error: error.error, error_description: error.description, state }),
          }
        : { kind: 'page', error };

    for (const name of [
      'client_id',
      'client_secret',
      'redirect_uri',
      'scope',
      'response_type',
      'state',
      'timestamp',
      'client_certificate_hash',
    ]) {
      if (Array.isArray(q[name])) return fail(EmulatorErrors.invalidParameter(name));
      if (get(name) === undefined) return fail(EmulatorErrors.missingParameter(name));
    }
    if (!client) return fail(EmulatorErrors.certificateNotBound());
    if (!canRedirect) return fail(EmulatorErrors.unregisteredRedirect());
    if (get('response_type') !== 'code') return fail(EmulatorErrors.invalidParameter('response_type'));
    const accessType = get('access_type') ?? 'online';
    if (accessType !== 'online' && accessType !== 'offline') return fail(EmulatorErrors.invalidParameter('access_type'));
    const scope = get('scope')!;
    const scopes = scope.split(' ').filter((s) => s !== '');
    const badScope = scopes.find((s) => !KNOWN_SCOPES.has(s));
    if (badScope !== undefined) return fail(EmulatorErrors.invalidScope(badScope));
    const cert = await this.certificateFor(client, get('client_certificate_hash')!);
    if ('error' in cert) return fail(cert.error);
    const timestamp = get('timestamp')!;
    const signed = buildV2AuthorizationSigningString({
      clientId: clientId!,
      scope,
      scopeOrg: get('scope_org'),
      timestamp,
      state: state!,
      redirectUri: redirectUri!,
    });
    if (!(await verifyGostSignature(signed, get('client_secret')!, cert.pem))) return fail(EmulatorErrors.clientSecretWrong());
    if (!this.timestampOk(timestamp)) return fail(EmulatorErrors.badTimestamp());

    const requestId = randomBytes(18).toString('base64url');
    const granted = client.grantedScopes ? scopes.filter((sc) => sc === 'openid' || client.grantedScopes!.includes(sc)) : scopes;
    const pending: PendingAuthRequest = { clientId: clientId!, redirectUri: redirectUri!, scopes: granted, state: state!, accessType };
    await this.redis.set(K.authRequest(requestId), JSON.stringify(pending), 'EX', AUTH_REQUEST_TTL_SEC);
    return { kind: 'login', requestId };
  }

  private timestampOk(timestamp: string): boolean {
    const t = parseEsiaTimestamp(timestamp);
    return t !== null && Math.abs(t.getTime() - Date.now()) <= TIMESTAMP_WINDOW_SEC * 1000;
  }

  async pendingRequest(requestId: unknown): Promise<PendingAuthRequest | null> {
    if (typeof requestId !== 'string' || !/^[A-Za-z0-9_-]{10,64}$/.test(requestId)) return null;
    const raw = await this.redis.get(K.authRequest(requestId));
    return raw ? (JSON.parse(raw) as PendingAuthRequest) : null;
  }

  /** Login page choice. False when the request is gone or the person unknown. */
  async choosePerson(requestId: unknown, oid: unknown): Promise<boolean> {
    const pending = await this.pendingRequest(requestId);
    if (!pending || typeof oid !== 'string' || !(await this.person(oid))) return false;
    pending.oid = oid;
    await this.redis.set(K.authRequest(requestId as string), JSON.stringify(pending), 'KEEPTTL');
    return true;
  }

  /** Consent page answer: the redirect back to the client (code, or `access_denied` ESIA-007004). Null when the request is gone. */
  async decide(requestId: unknown, allow: boolean): Promise<string | null> {
    if (typeof requestId !== 'string' || !/^[A-Za-z0-9_-]{10,64}$/.test(requestId)) return null;
    const raw = await this.redis.getdel(K.authRequest(requestId));
    if (!raw) return null;
    const pending = JSON.parse(raw) as PendingAuthRequest;
    if (!pending.oid) return null;
    if (!allow) {
      const e = EmulatorErrors.denied();
      return withParams(pending.redirectUri, { error: e.error, error_description: e.description, state: pending.state });
    }
    const code = randomBytes(32).toString('base64url');
    const grant: GrantData = {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      scopes: pending.scopes,
      oid: pending.oid,
      accessType: pending.accessType,
      sid: randomUUID(),
      authTime: Math.floor(Date.now() / 1000),
    };
    await this.redis.set(K.code(code), JSON.stringify(grant), 'EX', CODE_TTL_SEC);
    return withParams(pending.redirectUri, { code, state: pending.state });
  }

  // ---------------------------------------------------------------- /aas/oauth2/v3/te

  async token(body: Params): Promise<TokenOutcome> {
    const get = (name: string): string | undefined =>
      typeof body[name] === 'string' && body[name] !== '' ? (body[name] as string) : undefined;
    const state = get('state') ?? '';
    const fail = (e: EsiaEmulatorError): TokenOutcome => ({
      status: 400,
      body: { error: e.error, error_description: e.description, state },
    });

    for (const name of ['client_id', 'grant_type']) if (get(name) === undefined) return fail(EmulatorErrors.missingParameter(name));
    const grantType = get('grant_type')!;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return fail(EmulatorErrors.unsupportedGrant());
    const grantParam = grantType === 'authorization_code' ? 'code' : 'refresh_token';
    for (const name of [
      grantParam,
      'client_secret',
      'client_certificate_hash',
      'state',
      'redirect_uri',
      'scope',
      'timestamp',
      'token_type',
    ]) {
      if (Array.isArray(body[name])) return fail(EmulatorErrors.invalidParameter(name));
      if (get(name) === undefined) return fail(EmulatorErrors.missingParameter(name));
    }
    if (get('token_type') !== 'Bearer') return fail(EmulatorErrors.invalidParameter('token_type'));
    const clientId = get('client_id')!;
    const redirectUri = get('redirect_uri')!;
    const client = await this.client(clientId);
    if (!client) return fail(EmulatorErrors.certificateNotBound());
    if (!client.redirectUris.includes(redirectUri)) return fail(EmulatorErrors.unregisteredRedirect());
    const scope = get('scope')!;
    const badScope = scope.split(' ').find((s) => s !== '' && !KNOWN_SCOPES.has(s));
    if (badScope !== undefined) return fail(EmulatorErrors.invalidScope(badScope));
    const cert = await this.certificateFor(client, get('client_certificate_hash')!);
    if ('error' in cert) return fail(cert.error);
    const timestamp = get('timestamp')!;
    const signed = buildV3TokenSigningString({
      clientId,
      scope,
      scopeOrg: get('scope_org'),
      timestamp,
      state,
      redirectUri,
      code: grantType === 'authorization_code' ? get('code') : undefined,
    });
    if (!(await verifyGostSignature(signed, get('client_secret')!, cert.pem))) return fail(EmulatorErrors.clientSecretWrong());
    if (!this.timestampOk(timestamp)) return fail(EmulatorErrors.badTimestamp());

    // Single use: the code (or refresh token) is gone after this read, whatever happens next.
    const key = grantType === 'authorization_code' ? K.code(get('code')!) : K.refresh(get('refresh_token')!);
    const raw = await this.redis.getdel(key);
    if (!raw) return fail(EmulatorErrors.invalidGrant());
    const grant = JSON.parse(raw) as GrantData;
    if (grant.clientId !== clientId || grant.redirectUri !== redirectUri) return fail(EmulatorErrors.invalidGrant());
    const person = await this.person(grant.oid);
    if (!person) return fail(EmulatorErrors.invalidGrant());
    return { status: 200, body: await this.mintTokens(grant, person, state) };
  }

  private async mintTokens(grant: GrantData, person: EmulatorPerson, state: string): Promise<JsonObject> {
    const iat = Math.floor(Date.now() / 1000);
    const oidNumber = Number(grant.oid);
    const signing = await this.tokenSigning();
    const access = await this.signJwt(
      { ver: 1, typ: 'JWT', sbt: 'access' },
      {
        nbf: iat,
        scope: grant.scopes.map((s) => (s === 'openid' ? s : `${s}?oid=${grant.oid}`)).join(' '),
        iss: this.esia.issuer,
        'urn:esia:sid': grant.sid,
        'urn:esia:sbj_id': oidNumber,
        exp: iat + ACCESS_TOKEN_TTL_SEC,
        iat,
        client_id: grant.clientId,
      },
      signing,
    );
    const out: JsonObject = { access_token: access };
    if (grant.scopes.includes('openid')) {
      out.id_token = await this.signJwt(
        // `sbt` of ESIA id_tokens is not documented (docs/esia.md "Token checks"): "id" is the emulator's guess.
        { ver: 1, typ: 'JWT', sbt: 'id' },
        {
          iss: this.esia.issuer,
          aud: grant.clientId,
          sub: oidNumber,
          iat,
          nbf: iat,
          exp: iat + ID_TOKEN_TTL_SEC,
          auth_time: grant.authTime,
          amr: 'PWD',
          'urn:esia:amd': 'PWD',
          'urn:esia:sid': grant.sid,
          'urn:esia:sbj': {
            'urn:esia:sbj:typ': 'P',
            'urn:esia:sbj:oid': oidNumber,
            'urn:esia:sbj:nam': `OID.${grant.oid}`,
            'urn:esia:sbj:is_tru': person.trusted,
          },
        },
        signing,
      );
    }
    if (grant.accessType === 'offline') {
      const refresh = randomUUID();
      await this.redis.set(K.refresh(refresh), JSON.stringify(grant), 'EX', REFRESH_TTL_SEC);
      out.refresh_token = refresh;
    }
    return { ...out, state, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SEC };
  }

  // ---------------------------------------------------------------- REST /rs/prns

  /** Checks `Authorization: Bearer <access token>` for reading person `oid`. */
  async authorizeRest(authorization: unknown, oid: string): Promise<RestAuth> {
    const m = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    const jwt = m ? decodeJwt(m[1]) : null;
    if (!jwt || jwt.header.sbt !== 'access' || !(await this.signedByEmulator(jwt)))
      return { ok: false, status: 401, error: 'invalid_token' };
    const c = jwt.payload;
    if (c.iss !== this.esia.issuer || typeof c.exp !== 'number' || c.exp * 1000 < Date.now())
      return { ok: false, status: 401, error: 'invalid_token' };
    if (String(c['urn:esia:sbj_id']) !== oid) return { ok: false, status: 403, error: 'insufficient_scope' };
    const scopes = (typeof c.scope === 'string' ? c.scope : '')
      .split(' ')
      .map((s) => s.split('?')[0])
      .filter((s) => s !== '');
    return { ok: true, scopes };
  }
}

/** `url` with the given query parameters added (existing ones kept); undefined values are skipped. */
export function withParams(url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export function eTag(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').toUpperCase();
}
