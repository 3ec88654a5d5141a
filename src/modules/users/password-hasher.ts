import { Inject, Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** bcrypt, cost from PASSWORD_HASH_ROUNDS. Compares against a dummy hash when there is no user, to keep timing flat. */
@Injectable()
export class PasswordHasher {
  private readonly dummy: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.dummy = bcrypt.hashSync('not-a-real-password', config.passwordHashRounds);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.passwordHashRounds);
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    const ok = await bcrypt.compare(password, hash ?? this.dummy);
    return ok && hash !== null;
  }
}
