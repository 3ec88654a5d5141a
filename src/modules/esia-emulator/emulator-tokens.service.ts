import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { createPrivateKey, KeyObject, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { AppConfig, EsiaConfig, EsiaEmulatorConfig, EsiaTokenAlgorithm } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { OpenSslGostSigner } from '../esia/crypto';
import { jwsSignatureMatches } from '../esia/esia-token-verifier';
import { decodeJwt, JsonObject, signJwtWith, signRs256Jwt } from '../esia/jwt';
import { TrustedTokenCertificate, trustedCertificatesFrom } from '../esia/token-certificates';
import { EmulatorPerson } from './emulator-person';
import { ACCESS_TOKEN_TTL_SEC, GrantData, ID_TOKEN_TTL_SEC, K, REFRESH_TTL_SEC, TokenSigning } from './emulator-protocol';

/**
 * The emulator's side of the tokens: the key in force (RS256 or GOST3410_2012_256, switchable like ESIA's
 * tech-portal setting), signing tokens shaped like ESIA's and recognising its own signature
 * (docs/esia.md "Token checks").
 */
@Injectable()
export class EmulatorTokens {
  private readonly rsaKeys = new Map<string, Promise<KeyObject>>();
  private readonly gostSigners = new Map<string, OpenSslGostSigner>();
  private readonly certificates = new Map<string, Promise<TrustedTokenCertificate[]>>();
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

  /** The emulator's current token-signing certificate, PEM (non-ESIA extra: `/public/esia.pem`). */
  async tokenCertificatePem(): Promise<string> {
    return readFile((await this.tokenSigning()).certPath, 'utf8');
  }

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
  async signedByEmulator(token: NonNullable<ReturnType<typeof decodeJwt>>): Promise<boolean> {
    const current = await this.tokenSigning();
    const paths = new Set([this.emulator.tokenKeys.RS256.certPath, this.emulator.tokenKeys.GOST3410_2012_256.certPath, current.certPath]);
    for (const path of paths) {
      for (const cert of await this.certificatesOf(path)) if (await jwsSignatureMatches(token, cert)) return true;
    }
    return false;
  }

  /** The token answer for a grant: access token, id_token (scope openid), refresh token (offline access). */
  async mintTokens(grant: GrantData, person: EmulatorPerson, state: string): Promise<JsonObject> {
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
}
