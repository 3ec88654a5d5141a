import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account changes reach open sessions on their next request (docs/security.md, "Sessions and access changes").
 *
 * - users.auth_version: bumped whenever what an access token says about the user may be wrong: roles, status,
 *   school, region, password, or the session epoch.
 * - users.session_epoch: bumped when every session must END: a new password (admin reset or own change), a status
 *   other than active (blocked), or an explicit bump by the users module (UsersService.endAllSessions).
 * - sessions.epoch: the user's session_epoch when the session was opened; a session behind its user's epoch is over.
 *
 * Only this trigger writes auth_version (whatever a statement sets is replaced), and neither counter goes back,
 * so the database is the single writer of both and every writer of those columns is covered.
 */
export class AuthorisationVersion1795700000100 implements MigrationInterface {
  name = 'AuthorisationVersion1795700000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "auth_version" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "users" ADD "session_epoch" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "epoch" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`CREATE FUNCTION "users_authorisation_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.auth_version := OLD.auth_version;
  IF NEW.session_epoch < OLD.session_epoch THEN
    NEW.session_epoch := OLD.session_epoch;
  END IF;
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
     OR (NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'active') THEN
    NEW.session_epoch := GREATEST(NEW.session_epoch, OLD.session_epoch + 1);
  END IF;
  IF NEW.session_epoch <> OLD.session_epoch
     OR NEW.roles IS DISTINCT FROM OLD.roles
     OR NEW.status IS DISTINCT FROM OLD.status
     OR NEW.school_id IS DISTINCT FROM OLD.school_id
     OR NEW.region_id IS DISTINCT FROM OLD.region_id THEN
    NEW.auth_version := OLD.auth_version + 1;
  END IF;
  RETURN NEW;
END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_users_authorisation_version" BEFORE UPDATE OF "roles", "status", "school_id", "region_id", "password_hash", "session_epoch", "auth_version" ON "users" FOR EACH ROW EXECUTE FUNCTION "users_authorisation_version"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_users_authorisation_version" ON "users"`);
    await queryRunner.query(`DROP FUNCTION "users_authorisation_version"()`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "epoch"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "session_epoch"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "auth_version"`);
  }
}
