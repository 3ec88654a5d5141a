import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Role } from '../../common/auth/role';
import { pgErrorCode } from '../../common/errors/db-constraint';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';

/** The first platform admin of an empty installation, from BOOTSTRAP_ADMIN_*. The demo data is `npm run seed:demo` (src/cli). */
@Injectable()
export class UsersBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersBootstrap.name);

  constructor(
    private readonly repo: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the first platform admin from BOOTSTRAP_ADMIN_* when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrapAdminLogin || !this.config.bootstrapAdminPassword) return;
    if (await this.repo.platformAdminExists()) return;
    try {
      await this.repo.insert({
        login: this.config.bootstrapAdminLogin.toLowerCase(),
        passwordHash: await this.hasher.hash(this.config.bootstrapAdminPassword),
        roles: [Role.PlatformAdmin],
        lastName: 'Администратор',
        firstName: 'Платформы',
        middleName: null,
        birthDate: null,
      });
      this.logger.log(`Created the bootstrap platform admin "${this.config.bootstrapAdminLogin.toLowerCase()}"`);
    } catch (e) {
      if (pgErrorCode(e) !== '23505') throw e; // another instance created it first, or the login is taken
      this.logger.warn('Bootstrap admin not created: the login is already taken');
    }
  }
}
