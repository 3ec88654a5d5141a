import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { mapConstraint } from '../../common/errors/db-constraint';
import { normalizeSnils } from '../../common/validation/snils';
import { PiiCryptoService } from '../../core/crypto/pii-crypto.service';
import { UsersErrors } from './users.errors';
import { UserIdentity, UsersRepository } from './users.repository';

export type { UserIdentity } from './users.repository';

/** The SNILS ciphertext is bound to its row: decrypting it for another user fails. */
const snilsAad = (userId: string): string => `users.snils:${userId}`;

/**
 * A user's personal data beyond the profile: SNILS stored encrypted (AES-256-GCM, PiiCryptoService) with a keyed
 * hash for exact lookup, never in plain text (docs/domain.md §1), and the identity ESIA linking compares, which
 * carries no SNILS. Other modules read only these narrow shapes, never the user row.
 */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly pii: PiiCryptoService,
  ) {}

  /** Stores (or with null removes) a user's SNILS in `tx`; SNILS_TAKEN if another user has it. */
  async writeSnils(tx: EntityManager, userId: string, snils: string | null): Promise<void> {
    const normalized = snils === null ? null : normalizeSnils(snils);
    await mapConstraint(
      () =>
        this.repo.update(
          tx,
          userId,
          normalized === null
            ? { snilsEncrypted: null, snilsHash: null }
            : { snilsEncrypted: this.pii.encrypt(normalized, snilsAad(userId)), snilsHash: this.pii.lookupHash('snils', normalized) },
        ),
      UsersErrors.snilsTaken,
    );
  }

  /** Finds the SNILS owner by keyed hash (exact match only). */
  async findIdBySnils(snils: string): Promise<string | null> {
    return this.repo.findIdBySnilsHash(this.pii.lookupHash('snils', normalizeSnils(snils)));
  }

  /** Decrypts a user's SNILS for a use case that needs it (never for display or logs). */
  async readSnils(userId: string): Promise<string | null> {
    const blob = await this.repo.findSnilsEncrypted(userId);
    return blob ? this.pii.decrypt(blob, snilsAad(userId)) : null;
  }

  /** FIO, birth date, status, roles and placement: what ESIA linking compares and checks (no SNILS). */
  async findIdentity(id: string): Promise<UserIdentity | null> {
    return this.repo.findIdentity(id);
  }
}
