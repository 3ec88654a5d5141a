import { Module } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ConcurrencyLimitedSigner, ESIA_SIGNER, EsiaSigner, OpenSslGostSigner } from './crypto';
import { EsiaIdentityProvider, NotConfiguredIdentityProvider } from './esia.adapter';
import { ensureEsiaTestKeys } from './esia-test-keys';
import { IDENTITY_PROVIDER, IdentityProvider } from './identity-provider';

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
        const signer = new OpenSslGostSigner({ keyPath: config.esia.keyPath, certPath: config.esia.certPath });
        // a burst of sign-ins must not fork an openssl process each (docs/security.md "Rate limits")
        const { esiaSignerConcurrency: maxConcurrent, esiaSignerQueueMs: queueTimeoutMs } = config.rateLimits;
        return new ConcurrencyLimitedSigner(signer, { maxConcurrent, queueTimeoutMs });
      },
    },
    {
      provide: IDENTITY_PROVIDER,
      inject: [APP_CONFIG, ESIA_SIGNER],
      useFactory: (config: AppConfig, signer: EsiaSigner | null): IdentityProvider =>
        config.esia && signer ? new EsiaIdentityProvider(config.esia, signer) : new NotConfiguredIdentityProvider(),
    },
  ],
  exports: [IDENTITY_PROVIDER, ESIA_SIGNER],
})
export class EsiaModule {}
