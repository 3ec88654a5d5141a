import { Module } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig, EsiaConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { ConcurrencyLimitedSigner, CryptoProCspSigner, ESIA_SIGNER, EsiaSigner, OpenSslGostSigner } from './crypto';
import { EsiaIdentityProvider, NotConfiguredIdentityProvider } from './esia.adapter';
import { ensureEsiaTestKeys } from './esia-test-keys';
import { IDENTITY_PROVIDER, IdentityProvider } from './identity-provider';
import { RedisTokenRefusalLog } from './token-refusals';

/** The signer ESIA_SIGNER chose (docs/esia.md "Signers"). */
export function createEsiaSigner(esia: EsiaConfig): EsiaSigner {
  const s = esia.signer;
  if (s.kind === 'cryptopro') {
    return new CryptoProCspSigner({
      csptestPath: s.csptestPath,
      container: s.container,
      pin: s.pin,
      keyType: s.keyType,
      certPath: esia.certPath,
      timeoutMs: s.timeoutMs,
    });
  }
  return new OpenSslGostSigner({ keyPath: esia.keyPath, certPath: esia.certPath });
}

/**
 * ESIA client. Exports the {@link IDENTITY_PROVIDER} port (and the GOST signer). With the emulator on,
 * missing TEST keys are generated before the signer is created.
 */
@Module({
  providers: [
    {
      provide: ESIA_SIGNER,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<EsiaSigner | null> => {
        if (!config.esia) return null;
        if (config.esia.testKeysDir) await ensureEsiaTestKeys(config.esia.testKeysDir);
        // a burst of sign-ins must not start a signing process each (docs/security.md "Rate limits")
        const { esiaSignerConcurrency: maxConcurrent, esiaSignerQueueMs: queueTimeoutMs } = config.rateLimits;
        return new ConcurrencyLimitedSigner(createEsiaSigner(config.esia), { maxConcurrent, queueTimeoutMs });
      },
    },
    {
      provide: IDENTITY_PROVIDER,
      inject: [APP_CONFIG, ESIA_SIGNER, REDIS],
      useFactory: (config: AppConfig, signer: EsiaSigner | null, redis: Redis): IdentityProvider =>
        config.esia && signer
          ? new EsiaIdentityProvider(config.esia, signer, { refusals: new RedisTokenRefusalLog(redis) })
          : new NotConfiguredIdentityProvider(),
    },
  ],
  exports: [IDENTITY_PROVIDER, ESIA_SIGNER],
})
export class EsiaModule {}
