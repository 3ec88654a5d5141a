import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { readFile } from 'node:fs/promises';

import { formatSnils } from '../../common/validation/snils';
import { AppConfig, EsiaConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../core/redis/redis.module';
import { certificateToDer, computeCertificateHashHex, derToPem } from '../esia/crypto';
import { EmulatorErrors, EsiaEmulatorError } from './emulator-errors';
import { EmulatorPerson } from './emulator-person';
import { EmulatorClient, K, KNOWN_SCOPES } from './emulator-protocol';
import { ESIA_EMULATOR_FIXTURES } from './fixtures';

/** Who the emulator knows: client systems (ИС) with their certificates and redirect URIs, and persons. */
@Injectable()
export class EmulatorRegistry {
  private readonly hashCache = new Map<string, Promise<string>>();
  private readonly esia: EsiaConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    if (!config.esia) throw new Error('EsiaEmulatorModule needs ESIA settings');
    this.esia = config.esia;
  }

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
  async certificateFor(client: EmulatorClient, hash: string): Promise<{ pem: string } | { error: EsiaEmulatorError }> {
    const wanted = hash.toUpperCase();
    for (const pem of client.certificatePems) if ((await this.certHash(pem)) === wanted) return { pem };
    for (const other of await this.allClients()) {
      if (other.clientId === client.clientId) continue;
      for (const pem of other.certificatePems)
        if ((await this.certHash(pem)) === wanted) return { error: EmulatorErrors.certificateNotBound() };
    }
    return { error: EmulatorErrors.clientSecretWrong() };
  }

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
}
