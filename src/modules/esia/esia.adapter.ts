// Long file: every ESIA call shares the private signing, HTTP and token-check plumbing of EsiaIdentityProvider.
import { Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
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
import { checkIssuer, checkTrustedCertificates, describeRefusal } from './connection-checks';
import { EsiaAccessTokenClaims, EsiaTokenError, EsiaTokenVerifier } from './esia-token-verifier';
import {
  AuthorizationRequest,
  ConnectionTestProblem,
  ConnectionTestReport,
  ConnectionTestStep,
  ConnectionTestStepName,
  EsiaPerson,
  IdentityProvider,
  IdentityTokens,
  OAuthClient,
  SignedRequest,
} from './identity-provider';
import {
  certificateSourcesFingerprint,
  parseTrustedCertificates,
  readCertificateSources,
  SkippedCertificate,
  TrustedTokenCertificate,
} from './token-certificates';
import { TokenRefusalLog } from './token-refusals';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const OID = /^\d{1,20}$/;

export interface EsiaIdentityProviderOptions {
  /** Clock, for tests. */
  now?: () => Date;
  /** Keeps the last refused token for the connection test (the module passes the Redis one). */
  refusals?: TokenRefusalLog;
}

/** What loading the trusted certificates gave (the verifier is built from `certificates`). */
interface LoadedCertificates {
  certificates: TrustedTokenCertificate[];
  skipped: SkippedCertificate[];
}

/**
 * The direct ESIA adapter (docs/esia.md "Endpoints"): `GET /aas/oauth2/v2/ac`, `POST /aas/oauth2/v3/te`,
 * `/rs/prns/{oid}`. Client authentication is a raw GOST signature from the {@link EsiaSigner}; tokens
 * are verified against the configured ESIA certificates (RS256 or GOST). Failures become AppError
 * ESIA_UNAVAILABLE and are logged with the ESIA code (never tokens or personal data).
 */
export class EsiaIdentityProvider implements IdentityProvider {
  readonly name = 'esia';
  private readonly logger = new Logger('Esia');
  private verifierPromise?: Promise<{ verifier: EsiaTokenVerifier; fingerprint: string }>;
  private readonly now: () => Date;
  private readonly refusals?: TokenRefusalLog;
  /** Fingerprint of the token-check settings (see {@link TokenRefusalRecord.settings}). */
  private readonly settingsKey: string;

  constructor(
    private readonly config: EsiaConfig,
    private readonly signer: EsiaSigner,
    options: EsiaIdentityProviderOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.refusals = options.refusals;
    this.settingsKey = createHash('sha256')
      .update(JSON.stringify([config.clientId, config.issuer, config.tokenAlgorithms, config.trustedCertPaths]))
      .digest('hex')
      .slice(0, 16);
  }

  get client(): OAuthClient {
    const c = this.config;
    return {
      clientId: c.clientId,
      authorizationUrl: `${c.baseUrl}/aas/oauth2/v2/ac`,
      tokenUrl: `${c.baseUrl}/aas/oauth2/v3/te`,
      redirectUri: c.redirectUri,
      scope: c.scopes,
    };
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const { params } = await this.authorizationRequest(request);
    return `${this.client.authorizationUrl}?${new URLSearchParams(params).toString()}`;
  }

  async authorizationRequest(request: AuthorizationRequest): Promise<SignedRequest> {
    if (!UUID_V4.test(request.state)) throw new TypeError('authorizationUrl: state must be a UUID v4');
    const c = this.config;
    const timestamp = formatEsiaTimestamp(this.now());
    const [secret, hash] = await this.sign(
      buildV2AuthorizationSigningString({
        clientId: c.clientId,
        scope: c.scopes,
        timestamp,
        state: request.state,
        redirectUri: c.redirectUri,
      }),
    );
    return {
      params: {
        client_id: c.clientId,
        client_certificate_hash: hash,
        client_secret: secret,
        redirect_uri: c.redirectUri,
        scope: c.scopes,
        response_type: 'code',
        state: request.state,
        access_type: request.accessType ?? 'online',
        timestamp,
      },
    };
  }

  async exchangeCode(code: string, signed?: SignedRequest): Promise<IdentityTokens> {
    if (typeof code !== 'string' || code === '' || code.length > 4096) throw new TypeError('exchangeCode: code must be a non-empty string');
    if (signed && signed.params.code !== code) throw new TypeError('exchangeCode: the signed request is for another code');
    const step = 'token';
    const res = await this.call(step, async () => this.postToken(signed ?? (await this.tokenRequest(code))));
    if (res.status !== 200 || !res.json) return this.fail(errorResponse(step, res));
    const body = res.json;
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string')
      return this.fail(new EsiaCallError(step, 'invalid_response', 'token: no access_token in the answer'));
    if (body.state !== res.sentState)
      return this.fail(new EsiaCallError(step, 'invalid_response', 'token: state in the answer differs from the request'));
    try {
      const access = await this.verifyTokens(accessToken, typeof body.id_token === 'string' ? body.id_token : undefined);
      await this.refusals?.clear();
      return {
        accessToken,
        idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
        oid: access.oid,
        scopes: access.scopes,
        expiresAt: access.expiresAt,
        sessionId: access.sessionId,
      };
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (e instanceof EsiaTokenError) {
        this.logger.warn({ step, reason: e.reason, alg: e.observed.alg, iss: e.observed.iss }, `ESIA token refused: ${e.message}`);
        await this.refusals?.record({ at: this.now().toISOString(), reason: e.reason, ...e.observed, settings: this.settingsKey });
        throw EsiaErrors.unavailable('invalid_token');
      }
      // openssl missing or broken while checking a GOST signature
      this.logger.error({ step, err: e instanceof Error ? e.message : String(e) }, 'ESIA token signature could not be checked');
      throw EsiaErrors.unavailable('token_check');
    }
  }

  /**
   * Verifies the access token (and id_token). When no trusted certificate matched and the certificate
   * files changed since they were loaded (a new `.cer` dropped into the directory after ESIA rotated
   * its certificate), they are read again and the check runs once more: no restart needed.
   */
  private async verifyTokens(accessToken: string, idToken: string | undefined, retried = false): Promise<EsiaAccessTokenClaims> {
    let loaded: { verifier: EsiaTokenVerifier; fingerprint: string };
    try {
      loaded = await this.verifier();
    } catch (e) {
      this.logger.error(
        { step: 'trusted_certificates', err: e instanceof Error ? e.message : String(e) },
        'ESIA trusted certificates cannot be loaded',
      );
      throw EsiaErrors.unavailable('not_configured');
    }
    try {
      const access = await loaded.verifier.verifyAccessToken(accessToken);
      if (idToken !== undefined) {
        const id = await loaded.verifier.verifyIdToken(idToken);
        if (id.oid !== access.oid) throw new EsiaTokenError('bad_subject', 'id_token subject differs from the access token');
      }
      return access;
    } catch (e) {
      const certificateProblem = e instanceof EsiaTokenError && (e.reason === 'bad_signature' || e.reason === 'no_certificate_for_alg');
      if (!certificateProblem || retried || (await certificateSourcesFingerprint(this.config.trustedCertPaths)) === loaded.fingerprint)
        throw e;
      this.logger.log({ step: 'trusted_certificates' }, 'ESIA certificate files changed: reloading them');
      this.verifierPromise = undefined;
      return this.verifyTokens(accessToken, idToken, true);
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
    let documentsGranted = true;
    // Documents tell "standard" from "simplified": not needed for a confirmed account or without SNILS
    // (docs/esia.md "Account level").
    if (resource.trusted !== true && typeof resource.snils === 'string') {
      if (!this.config.scopes.split(' ').includes('id_doc')) {
        documentsGranted = false;
      } else {
        const docs = await this.call('documents', () =>
          esiaFetch('documents', `${base}/docs?embed=(elements)`, { headers }, this.config.timeoutMs),
        );
        if (docs.status === 200 && docs.json) documents = collectionElements<EsiaDocumentResource>(docs.json);
        else if (docs.status === 403) documentsGranted = false;
        else return this.fail(errorResponse('documents', docs));
      }
      if (!documentsGranted)
        this.logger.warn(
          { step: 'documents' },
          'ESIA gave no identity documents (id_doc scope not granted?): the account level is undetermined',
        );
    }
    const mapped = mapEsiaPerson(oid, resource, documents);
    return !documentsGranted && mapped.level !== 'standard' ? { ...mapped, levelUndetermined: 'documents_not_granted' } : mapped;
  }

  logoutUrl(redirectUrl?: string): string {
    const q = new URLSearchParams({ client_id: this.config.clientId });
    if (redirectUrl) q.set('redirect_url', redirectUrl);
    return `${this.config.baseUrl}/idp/ext/Logout?${q.toString()}`;
  }

  async testConnection(): Promise<ConnectionTestReport> {
    const steps: ConnectionTestStep[] = [];
    const c = this.config;
    const add = (
      step: ConnectionTestStepName,
      ok: boolean,
      detail: string,
      extra: { esiaCode?: string; problem?: ConnectionTestProblem } = {},
    ): boolean => {
      steps.push({
        step,
        ok,
        detail,
        ...(extra.esiaCode ? { esiaCode: extra.esiaCode } : {}),
        ...(extra.problem ? { problem: extra.problem } : {}),
      });
      return ok;
    };
    const signerName = c.signer.kind === 'cryptopro' ? 'КриптоПро CSP (csptest)' : 'OpenSSL (gost engine)';
    add(
      'config',
      true,
      `Адрес ЕСИА ${c.baseUrl}, мнемоника ${c.clientId}, redirect_uri ${c.redirectUri}, подпись: ${signerName}, алгоритмы токенов: ${c.tokenAlgorithms.join(', ')}`,
    );

    const issuer = checkIssuer(c);
    add('issuer', issuer.ok, issuer.detail, issuer);

    let signerOk = false;
    try {
      const probe = `esia-connection-test:${randomUUID()}`;
      const [signature, hash, cert] = await Promise.all([this.signer.sign(probe), this.signer.certificateHashHex(), readFile(c.certPath)]);
      if (!(await verifyGostSignature(probe, signature, cert)))
        throw new Error('подпись не проверяется сертификатом: ключ и сертификат не пара');
      signerOk = add('signer', true, `Подпись ГОСТ Р 34.10-2012 работает (${signerName}); хэш сертификата ${hash}`);
    } catch (e) {
      add('signer', false, `Не удалось подписать запрос (${signerName}): ${e instanceof Error ? e.message : String(e)}`);
    }

    const certificates = checkTrustedCertificates(await this.loadCertificates().catch((e: unknown) => e), c.tokenAlgorithms, this.now());
    add('trusted_certificates', certificates.ok, certificates.detail, certificates);

    if (!signerOk) {
      add('authorization_endpoint', false, 'Не проверялось: не работает подпись');
      add('token_endpoint', false, 'Не проверялось: не работает подпись');
    } else {
      await this.checkEndpoints(add);
    }

    const refusal = await this.refusals?.last();
    if (refusal && refusal.settings === this.settingsKey) {
      const { problem, detail } = describeRefusal(refusal, c);
      add('recent_tokens', false, detail, { problem });
    } else {
      add('recent_tokens', true, 'Отказов в проверке токенов ЕСИА при текущих настройках не было');
    }
    return { ok: steps.every((s) => s.ok), steps };
  }

  private async checkEndpoints(
    add: (step: ConnectionTestStepName, ok: boolean, detail: string, extra?: { esiaCode?: string }) => boolean,
  ): Promise<void> {
    const c = this.config;
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
        add('authorization_endpoint', false, `ЕСИА отклонила запрос авторизации: ${error} ${code}`.trim(), {
          esiaCode: /ESIA-\d{6}/.exec(code)?.[0],
        });
      } else {
        const err = errorResponse('authorization', res);
        add('authorization_endpoint', false, `Неожиданный ответ точки авторизации: HTTP ${res.status}`, { esiaCode: err.esiaCode });
      }
    } catch (e) {
      add('authorization_endpoint', false, connectionFailureText(e));
    }

    try {
      const res = await this.postToken(await this.tokenRequest(`connection-test-${randomUUID()}`));
      const err = errorResponse('token', res);
      // An unknown code answered with ESIA-007011 means the signature and certificate were accepted.
      if (res.status === 400 && err.esiaCode === 'ESIA-007011')
        add('token_endpoint', true, 'Точка получения токена принимает подпись (тестовый код отклонён как и ожидалось)');
      else
        add('token_endpoint', false, `Точка получения токена ответила HTTP ${res.status}${err.esiaCode ? ` ${err.esiaCode}` : ''}`, {
          esiaCode: err.esiaCode,
        });
    } catch (e) {
      add('token_endpoint', false, connectionFailureText(e));
    }
  }

  // ------------------------------------------------------------------------------------------

  async tokenRequest(code: string): Promise<SignedRequest> {
    const c = this.config;
    const state = randomUUID(); // a NEW state for the token request (docs/esia.md "Endpoints")
    const timestamp = formatEsiaTimestamp(this.now());
    const [secret, hash] = await this.sign(
      buildV3TokenSigningString({ clientId: c.clientId, scope: c.scopes, timestamp, state, redirectUri: c.redirectUri, code }),
    );
    return {
      params: {
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
      },
    };
  }

  private async postToken(signed: SignedRequest): Promise<EsiaResponse & { sentState: string }> {
    const c = this.config;
    const body = new URLSearchParams(signed.params);
    const res = await esiaFetch(
      'token',
      `${c.baseUrl}/aas/oauth2/v3/te`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: body.toString(),
      },
      c.timeoutMs,
    );
    return { ...res, sentState: signed.params.state };
  }

  private async sign(signingString: string): Promise<[string, string]> {
    try {
      return await Promise.all([signClientSecret(this.signer, signingString), this.signer.certificateHashHex()]);
    } catch (e) {
      if (e instanceof SignerBusyError) throw EsiaErrors.busy('signer_busy', e.retryAfterSec);
      this.logger.error({ step: 'sign', err: e instanceof Error ? e.message : String(e) }, 'ESIA request signing failed');
      throw EsiaErrors.unavailable('signer');
    }
  }

  private async loadCertificates(): Promise<LoadedCertificates> {
    return parseTrustedCertificates(await readCertificateSources(this.config.trustedCertPaths));
  }

  private verifier(): Promise<{ verifier: EsiaTokenVerifier; fingerprint: string }> {
    if (!this.verifierPromise) {
      this.verifierPromise = (async () => {
        const fingerprint = await certificateSourcesFingerprint(this.config.trustedCertPaths);
        const { certificates, skipped } = await this.loadCertificates();
        for (const s of skipped)
          this.logger.warn({ step: 'trusted_certificates', source: s.source }, `ESIA certificate skipped: ${s.reason}`);
        if (certificates.length === 0) throw new Error(`no usable ESIA token certificate in ${this.config.trustedCertPaths.join(', ')}`);
        const verifier = new EsiaTokenVerifier({
          certificates,
          algorithms: this.config.tokenAlgorithms,
          issuer: this.config.issuer,
          clientId: this.config.clientId,
          now: () => this.now().getTime(),
        });
        return { verifier, fingerprint };
      })();
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
  readonly client = null;
  authorizationRequest(): Promise<SignedRequest> {
    return Promise.reject(EsiaErrors.unavailable('not_configured'));
  }
  authorizationUrl(): Promise<string> {
    return Promise.reject(EsiaErrors.unavailable('not_configured'));
  }
  tokenRequest(): Promise<SignedRequest> {
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
    return Promise.resolve({
      ok: false,
      steps: [{ step: 'config', ok: false, detail: 'Вход через Госуслуги не настроен (нет ESIA_CLIENT_ID)' }],
    });
  }
}
