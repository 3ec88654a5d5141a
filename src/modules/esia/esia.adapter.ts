import { Logger } from '@nestjs/common';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { AppError } from '../../common/errors/app-error';
import { EsiaConfig } from '../../config/app-config';
import {
  buildV2AuthorizationSigningString,
  buildV3TokenSigningString,
  EsiaSigner,
  formatEsiaTimestamp,
  SignerBusyError,
  signClientSecret,
  verifyGostSignature,
} from './crypto';
import { EsiaErrors, EsiaFailureReason } from './esia.errors';
import { EsiaCallError, esiaFetch, errorResponse, EsiaResponse } from './esia-http';
import { collectionElements, EsiaDocumentResource, EsiaPersonResource, mapEsiaPerson } from './esia-person';
import { EsiaTokenError, EsiaTokenVerifier, loadTrustedKeys } from './esia-token-verifier';
import {
  AuthorizationRequest,
  ConnectionTestReport,
  ConnectionTestStep,
  ConnectionTestStepName,
  EsiaPerson,
  IdentityProvider,
  IdentityTokens,
} from './identity-provider';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const OID = /^\d{1,20}$/;

/**
 * The direct ESIA adapter (ESIA.md): `GET /aas/oauth2/v2/ac`, `POST /aas/oauth2/v3/te`, `/rs/prns/{oid}`.
 * Client authentication is a raw GOST signature from the {@link EsiaSigner}; tokens are verified
 * against the configured ESIA certificates. Failures become AppError ESIA_UNAVAILABLE and are logged
 * with the ESIA code (never tokens or personal data).
 */
export class EsiaIdentityProvider implements IdentityProvider {
  readonly name = 'esia';
  private readonly logger = new Logger('Esia');
  private verifierPromise?: Promise<EsiaTokenVerifier>;

  constructor(
    private readonly config: EsiaConfig,
    private readonly signer: EsiaSigner,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    if (!UUID_V4.test(request.state)) throw new TypeError('authorizationUrl: state must be a UUID v4');
    const c = this.config;
    const timestamp = formatEsiaTimestamp(this.now());
    const [secret, hash] = await this.sign(
      buildV2AuthorizationSigningString({ clientId: c.clientId, scope: c.scopes, timestamp, state: request.state, redirectUri: c.redirectUri }),
    );
    const q = new URLSearchParams({
      client_id: c.clientId,
      client_certificate_hash: hash,
      client_secret: secret,
      redirect_uri: c.redirectUri,
      scope: c.scopes,
      response_type: 'code',
      state: request.state,
      access_type: request.accessType ?? 'online',
      timestamp,
    });
    return `${c.baseUrl}/aas/oauth2/v2/ac?${q.toString()}`;
  }

  async exchangeCode(code: string): Promise<IdentityTokens> {
    if (typeof code !== 'string' || code === '' || code.length > 4096) throw new TypeError('exchangeCode: code must be a non-empty string');
    const step = 'token';
    const res = await this.call(step, () => this.postToken(code));
    if (res.status !== 200 || !res.json) return this.fail(errorResponse(step, res));
    const body = res.json;
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string') return this.fail(new EsiaCallError(step, 'invalid_response', 'token: no access_token in the answer'));
    if (body.state !== res.sentState) return this.fail(new EsiaCallError(step, 'invalid_response', 'token: state in the answer differs from the request'));
    let verifier: EsiaTokenVerifier;
    try {
      verifier = await this.verifier();
    } catch (e) {
      this.logger.error({ step: 'trusted_certificates', err: e instanceof Error ? e.message : String(e) }, 'ESIA trusted certificates cannot be loaded');
      throw EsiaErrors.unavailable('not_configured');
    }
    try {
      const access = verifier.verifyAccessToken(accessToken);
      const idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
      if (idToken !== undefined) {
        const id = verifier.verifyIdToken(idToken);
        if (id.oid !== access.oid) throw new EsiaTokenError('bad_subject', 'id_token subject differs from the access token');
      }
      return {
        accessToken,
        idToken,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
        oid: access.oid,
        scopes: access.scopes,
        expiresAt: access.expiresAt,
        sessionId: access.sessionId,
      };
    } catch (e) {
      if (e instanceof EsiaTokenError) {
        this.logger.warn({ step, reason: e.reason }, `ESIA token refused: ${e.message}`);
        throw EsiaErrors.unavailable('invalid_token');
      }
      throw e;
    }
  }

  async fetchPerson(oid: string, accessToken: string): Promise<EsiaPerson> {
    if (!OID.test(oid)) throw new TypeError('fetchPerson: oid must be numeric');
    const headers = { Accept: 'application/json', Authorization: `Bearer ${accessToken}` };
    const base = `${this.config.baseUrl}/rs/prns/${oid}`;
    const person = await this.call('person', () => esiaFetch('person', base, { headers }, this.config.timeoutMs));
    if (person.status !== 200 || !person.json) return this.fail(errorResponse('person', person));
    const resource = person.json as EsiaPersonResource;
    let documents: EsiaDocumentResource[] = [];
    // Documents decide between "standard" and "simplified"; not needed for a trusted account or without SNILS.
    if (resource.trusted !== true && typeof resource.snils === 'string' && this.config.scopes.split(' ').includes('id_doc')) {
      const docs = await this.call('documents', () => esiaFetch('documents', `${base}/docs?embed=(elements)`, { headers }, this.config.timeoutMs));
      if (docs.status === 200 && docs.json) documents = collectionElements<EsiaDocumentResource>(docs.json);
      else if (docs.status === 403) this.logger.warn({ step: 'documents', status: 403 }, 'ESIA refused documents (scope?); level falls back to simplified');
      else return this.fail(errorResponse('documents', docs));
    }
    return mapEsiaPerson(oid, resource, documents);
  }

  logoutUrl(redirectUrl?: string): string {
    const q = new URLSearchParams({ client_id: this.config.clientId });
    if (redirectUrl) q.set('redirect_url', redirectUrl);
    return `${this.config.baseUrl}/idp/ext/Logout?${q.toString()}`;
  }

  async testConnection(): Promise<ConnectionTestReport> {
    const steps: ConnectionTestStep[] = [];
    const c = this.config;
    const add = (step: ConnectionTestStepName, ok: boolean, detail: string, esiaCode?: string): boolean => {
      steps.push(esiaCode ? { step, ok, detail, esiaCode } : { step, ok, detail });
      return ok;
    };
    add('config', true, `Адрес ЕСИА ${c.baseUrl}, мнемоника ${c.clientId}, redirect_uri ${c.redirectUri}`);

    let signerOk = false;
    try {
      const probe = `esia-connection-test:${randomUUID()}`;
      const [signature, hash, cert] = await Promise.all([this.signer.sign(probe), this.signer.certificateHashHex(), readFile(c.certPath)]);
      if (!(await verifyGostSignature(probe, signature, cert))) throw new Error('подпись не проверяется сертификатом: ключ и сертификат не пара');
      signerOk = add('signer', true, `Подпись ГОСТ Р 34.10-2012 работает; хэш сертификата ${hash}`);
    } catch (e) {
      add('signer', false, `Не удалось подписать запрос: ${e instanceof Error ? e.message : String(e)}`);
    }

    try {
      const pems = await Promise.all(c.trustedCertPaths.map((p) => readFile(p, 'latin1')));
      const keys = loadTrustedKeys(pems);
      const now = this.now().getTime();
      const valid = pems
        .flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [])
        .map((b) => new X509Certificate(b))
        .filter((x) => Date.parse(x.validFrom) <= now && now <= Date.parse(x.validTo));
      if (valid.length === 0) add('trusted_certificates', false, `Все сертификаты ЕСИА (${keys.length}) просрочены или ещё не действуют`);
      else add('trusted_certificates', true, `Сертификатов ЕСИА для проверки токенов: ${keys.length}, действующих: ${valid.length}`);
    } catch (e) {
      add('trusted_certificates', false, `Сертификаты ЕСИА не загружены: ${e instanceof Error ? e.message : String(e)}`);
    }

    if (!signerOk) {
      add('authorization_endpoint', false, 'Не проверялось: не работает подпись');
      add('token_endpoint', false, 'Не проверялось: не работает подпись');
      return { ok: false, steps };
    }

    try {
      const url = await this.authorizationUrl({ state: randomUUID() });
      const res = await esiaFetch('authorization', url, { redirect: 'manual' }, c.timeoutMs);
      const location = res.headers.get('location') ?? '';
      const target = location ? new URL(location, url) : null;
      const error = target?.searchParams.get('error');
      if (res.status >= 300 && res.status < 400 && target && !error) {
        add('authorization_endpoint', true, `Запрос авторизации принят (HTTP ${res.status})`);
      } else if (error) {
        const code = target?.searchParams.get('error_description') ?? '';
        add('authorization_endpoint', false, `ЕСИА отклонила запрос авторизации: ${error} ${code}`.trim(), /ESIA-\d{6}/.exec(code)?.[0]);
      } else {
        const err = errorResponse('authorization', res);
        add('authorization_endpoint', false, `Неожиданный ответ точки авторизации: HTTP ${res.status}`, err.esiaCode);
      }
    } catch (e) {
      add('authorization_endpoint', false, connectionFailureText(e));
    }

    try {
      const res = await this.postToken(`connection-test-${randomUUID()}`);
      const err = errorResponse('token', res);
      // An unknown code answered with ESIA-007011 means the signature and certificate were accepted.
      if (res.status === 400 && err.esiaCode === 'ESIA-007011') add('token_endpoint', true, 'Точка получения токена принимает подпись (тестовый код отклонён как и ожидалось)');
      else add('token_endpoint', false, `Точка получения токена ответила HTTP ${res.status}${err.esiaCode ? ` ${err.esiaCode}` : ''}`, err.esiaCode);
    } catch (e) {
      add('token_endpoint', false, connectionFailureText(e));
    }
    return { ok: steps.every((s) => s.ok), steps };
  }

  // ------------------------------------------------------------------------------------------

  private async postToken(code: string): Promise<EsiaResponse & { sentState: string }> {
    const c = this.config;
    const state = randomUUID(); // a NEW state for the token request (ESIA.md §3)
    const timestamp = formatEsiaTimestamp(this.now());
    const [secret, hash] = await this.sign(
      buildV3TokenSigningString({ clientId: c.clientId, scope: c.scopes, timestamp, state, redirectUri: c.redirectUri, code }),
    );
    const body = new URLSearchParams({
      client_id: c.clientId,
      code,
      grant_type: 'authorization_code',
      client_secret: secret,
      client_certificate_hash: hash,
      state,
      redirect_uri: c.redirectUri,
      scope: c.scopes,
      timestamp,
      token_type: 'Bearer',
    });
    const res = await esiaFetch(
      'token',
      `${c.baseUrl}/aas/oauth2/v3/te`,
      { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: body.toString() },
      c.timeoutMs,
    );
    return { ...res, sentState: state };
  }

  private async sign(signingString: string): Promise<[string, string]> {
    try {
      return await Promise.all([signClientSecret(this.signer, signingString), this.signer.certificateHashHex()]);
    } catch (e) {
      if (e instanceof SignerBusyError) throw EsiaErrors.signerBusy(e.retryAfterSec);
      this.logger.error({ step: 'sign', err: e instanceof Error ? e.message : String(e) }, 'ESIA request signing failed');
      throw EsiaErrors.unavailable('signer');
    }
  }

  private verifier(): Promise<EsiaTokenVerifier> {
    if (!this.verifierPromise) {
      this.verifierPromise = Promise.all(this.config.trustedCertPaths.map((p) => readFile(p, 'latin1'))).then(
        (certs) =>
          new EsiaTokenVerifier({ trustedCertificates: certs, issuer: this.config.issuer, clientId: this.config.clientId, now: () => this.now().getTime() }),
      );
      this.verifierPromise.catch(() => (this.verifierPromise = undefined));
    }
    return this.verifierPromise;
  }

  /** Runs one call; timeouts/network errors become ESIA_UNAVAILABLE (logged). */
  private async call<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof EsiaCallError) return this.fail(e);
      throw e;
    }
  }

  private fail(e: EsiaCallError): never {
    this.logger.warn(
      { step: e.step, reason: e.reason, httpStatus: e.httpStatus, esiaCode: e.esiaCode },
      `ESIA call failed: ${e.esiaCode ?? e.reason} (${e.step})`,
    );
    throw EsiaErrors.unavailable(e.reason as EsiaFailureReason, e.esiaCode);
  }
}

function connectionFailureText(e: unknown): string {
  if (e instanceof EsiaCallError) return e.reason === 'timeout' ? 'ЕСИА не ответила вовремя' : `ЕСИА недоступна: ${e.message}`;
  if (e instanceof AppError) return `Ошибка: ${e.message}`;
  return `Ошибка: ${e instanceof Error ? e.message : String(e)}`;
}

/** Used when ESIA is not configured: every call fails with ESIA_UNAVAILABLE (reason not_configured). */
export class NotConfiguredIdentityProvider implements IdentityProvider {
  readonly name = 'esia';
  authorizationUrl(): Promise<string> {
    return Promise.reject(EsiaErrors.unavailable('not_configured'));
  }
  exchangeCode(): Promise<IdentityTokens> {
    return Promise.reject(EsiaErrors.unavailable('not_configured'));
  }
  fetchPerson(): Promise<EsiaPerson> {
    return Promise.reject(EsiaErrors.unavailable('not_configured'));
  }
  logoutUrl(): string {
    throw EsiaErrors.unavailable('not_configured');
  }
  testConnection(): Promise<ConnectionTestReport> {
    return Promise.resolve({ ok: false, steps: [{ step: 'config', ok: false, detail: 'Вход через Госуслуги не настроен (нет ESIA_CLIENT_ID)' }] });
  }
}
