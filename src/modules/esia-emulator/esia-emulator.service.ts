import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';

import { AppConfig, EsiaConfig, EsiaEmulatorConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { buildV2AuthorizationSigningString, buildV3TokenSigningString, parseEsiaTimestamp, verifyGostSignature } from '../esia/crypto';
import { ensureEsiaTestKeys } from '../esia/esia-test-keys';
import { decodeJwt } from '../esia/jwt';
import { EmulatorErrors, EsiaEmulatorError } from './emulator-errors';
import {
  AUTH_REQUEST_TTL_SEC,
  AuthorizeOutcome,
  CODE_TTL_SEC,
  GrantData,
  K,
  KNOWN_SCOPES,
  Params,
  PendingAuthRequest,
  RestAuth,
  TIMESTAMP_WINDOW_SEC,
  TokenOutcome,
  withParams,
} from './emulator-protocol';
import { EmulatorRegistry } from './emulator-registry.service';
import { EmulatorTokens } from './emulator-tokens.service';

/**
 * The ESIA emulator's protocol logic: the same checks, in the same order, as real ESIA
 * (docs/esia.md "Error codes"), over the registry of clients and persons (EmulatorRegistry) and the token
 * keys (EmulatorTokens). All state is in Redis, so several instances can serve it.
 */
@Injectable()
export class EsiaEmulatorService implements OnModuleInit {
  private readonly esia: EsiaConfig;
  private readonly emulator: EsiaEmulatorConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly registry: EmulatorRegistry,
    private readonly tokens: EmulatorTokens,
  ) {
    if (!config.esia || !config.esiaEmulator) throw new Error('EsiaEmulatorModule needs ESIA_EMULATOR=true');
    this.esia = config.esia;
    this.emulator = config.esiaEmulator;
  }

  async onModuleInit(): Promise<void> {
    await ensureEsiaTestKeys(this.emulator.testKeysDir);
    await this.tokens.tokenCertificatePem(); // fails the start when the configured token key is unreadable
  }

  // ---------------------------------------------------------------- /aas/oauth2/v2/ac

  async authorize(q: Params): Promise<AuthorizeOutcome> {
    const get = (name: string): string | undefined => (typeof q[name] === 'string' && q[name] !== '' ? (q[name] as string) : undefined);
    const clientId = get('client_id');
    const redirectUri = get('redirect_uri');
    const state = get('state');
    const client = clientId ? await this.registry.client(clientId) : null;
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
    const cert = await this.registry.certificateFor(client, get('client_certificate_hash')!);
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
    if (!pending || typeof oid !== 'string' || !(await this.registry.person(oid))) return false;
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
    const client = await this.registry.client(clientId);
    if (!client) return fail(EmulatorErrors.certificateNotBound());
    if (!client.redirectUris.includes(redirectUri)) return fail(EmulatorErrors.unregisteredRedirect());
    const scope = get('scope')!;
    const badScope = scope.split(' ').find((s) => s !== '' && !KNOWN_SCOPES.has(s));
    if (badScope !== undefined) return fail(EmulatorErrors.invalidScope(badScope));
    const cert = await this.registry.certificateFor(client, get('client_certificate_hash')!);
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
    const person = await this.registry.person(grant.oid);
    if (!person) return fail(EmulatorErrors.invalidGrant());
    return { status: 200, body: await this.tokens.mintTokens(grant, person, state) };
  }

  // ---------------------------------------------------------------- REST /rs/prns

  /** Checks `Authorization: Bearer <access token>` for reading person `oid`. */
  async authorizeRest(authorization: unknown, oid: string): Promise<RestAuth> {
    const m = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    const jwt = m ? decodeJwt(m[1]) : null;
    if (!jwt || jwt.header.sbt !== 'access' || !(await this.tokens.signedByEmulator(jwt)))
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
