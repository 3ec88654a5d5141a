import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Role } from '../../common/auth/role';
import { AccessChangePublisher } from './access-change.publisher';
import { UserBasic, UsersRepository } from './users.repository';

export type { UserBasic } from './users.repository';

/** A user's roles and placement for other modules: read them, grant or take away one role (the teaching module's class teacher). */
@Injectable()
export class UserRolesService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly accessChanges: AccessChangePublisher,
  ) {}

  /** Roles and placement of a user, for other modules' checks. */
  async findBasic(id: string): Promise<UserBasic | null> {
    return this.repo.findBasic(id);
  }

  /** Adds a role if the user lacks it (one statement, safe to repeat). Open sessions get it on their next request. */
  async grantRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await this.repo.addRole(tx, userId, role);
    await this.accessChanges.changed(tx, [userId]);
  }

  /** Removes a role, keeping at least one. Open sessions lose it on their next request. */
  async revokeRole(tx: EntityManager | undefined, userId: string, role: Role): Promise<void> {
    await this.repo.removeRole(tx, userId, role);
    await this.accessChanges.changed(tx, [userId]);
  }
}
