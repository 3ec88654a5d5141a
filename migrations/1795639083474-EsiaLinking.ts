import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ESIA linking (issue 3 §3): esia_links (oid ↔ diary user, when/how; no ESIA personal data) and
 * region_auth_settings (ESIA on/off, transition period, staff exception). Generated, then trimmed
 * to these two tables.
 */
export class EsiaLinking1795639083474 implements MigrationInterface {
  name = 'EsiaLinking1795639083474';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "esia_links" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "oid" text NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "method" text NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "revoked_by" uuid, CONSTRAINT "ck_esia_links_method" CHECK ("method" IN ('snils_fio', 'password', 'session')), CONSTRAINT "pk_esia_links_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_esia_links_user_id" ON "esia_links"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "ix_esia_links_revoked_by" ON "esia_links"  ("revoked_by") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_esia_links_oid_active" ON "esia_links"  ("oid") WHERE revoked_at IS NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_esia_links_user_active" ON "esia_links"  ("user_id") WHERE revoked_at IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "region_auth_settings" ("region_id" uuid NOT NULL, "esia_enabled" boolean NOT NULL DEFAULT false, "transition_starts_at" TIMESTAMP WITH TIME ZONE, "transition_ends_at" TIMESTAMP WITH TIME ZONE, "staff_password_login" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by" uuid, CONSTRAINT "ck_region_auth_settings_transition" CHECK ("transition_starts_at" IS NULL OR "transition_ends_at" IS NULL OR "transition_ends_at" > "transition_starts_at"), CONSTRAINT "pk_region_auth_settings_region_id" PRIMARY KEY ("region_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_region_auth_settings_updated_by" ON "region_auth_settings"  ("updated_by") `);
    await queryRunner.query(
      `ALTER TABLE "esia_links" ADD CONSTRAINT "fk_esia_links_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "esia_links" ADD CONSTRAINT "fk_esia_links_revoked_by" FOREIGN KEY ("revoked_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_auth_settings" ADD CONSTRAINT "fk_region_auth_settings_region" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "region_auth_settings" ADD CONSTRAINT "fk_region_auth_settings_updated_by" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "region_auth_settings" DROP CONSTRAINT "fk_region_auth_settings_updated_by"`);
    await queryRunner.query(`ALTER TABLE "region_auth_settings" DROP CONSTRAINT "fk_region_auth_settings_region"`);
    await queryRunner.query(`ALTER TABLE "esia_links" DROP CONSTRAINT "fk_esia_links_revoked_by"`);
    await queryRunner.query(`ALTER TABLE "esia_links" DROP CONSTRAINT "fk_esia_links_user"`);
    await queryRunner.query(`DROP INDEX "public"."ix_region_auth_settings_updated_by"`);
    await queryRunner.query(`DROP TABLE "region_auth_settings"`);
    await queryRunner.query(`DROP INDEX "public"."uq_esia_links_user_active"`);
    await queryRunner.query(`DROP INDEX "public"."uq_esia_links_oid_active"`);
    await queryRunner.query(`DROP INDEX "public"."ix_esia_links_revoked_by"`);
    await queryRunner.query(`DROP INDEX "public"."ix_esia_links_user_id"`);
    await queryRunner.query(`DROP TABLE "esia_links"`);
  }
}
