import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `installation`: one row made when the database is created; its `incarnation` prefixes every Bull
 *   job id (src/core/queue/job-ids.ts) and is renewed when `fingerprint` shows the database is a copy
 *   (src/core/queue/queue-identity.service.ts).
 * - `push_deliveries.status = 'sending'`: marked (and committed) before the push service is called, so
 *   a run that follows a crash knows the first attempt may have reached the device.
 */
export class QueuesPushRestores1795700000300 implements MigrationInterface {
  name = 'QueuesPushRestores1795700000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "installation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "singleton" boolean NOT NULL DEFAULT true, "incarnation" uuid NOT NULL DEFAULT gen_random_uuid(), "fingerprint" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "incarnation_started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_installation_singleton" CHECK ("singleton"), CONSTRAINT "pk_installation_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_installation_singleton" ON "installation" ("singleton") `);
    // the fingerprint is completed on first use (QueueIdentity): until then it only names the database
    await queryRunner.query(
      `INSERT INTO "installation" ("fingerprint") SELECT 'migration:' || oid::text FROM pg_database WHERE datname = current_database()`,
    );

    await queryRunner.query(`ALTER TABLE "push_deliveries" DROP CONSTRAINT "ck_push_deliveries_status"`);
    await queryRunner.query(
      `ALTER TABLE "push_deliveries" ADD CONSTRAINT "ck_push_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed', 'skipped'))`,
    );
    await queryRunner.query(`ALTER TABLE "push_deliveries" ADD "sending_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`DROP INDEX "public"."ix_push_deliveries_pending"`);
    await queryRunner.query(
      `CREATE INDEX "ix_push_deliveries_pending" ON "push_deliveries" ("notification_id") WHERE status IN ('pending', 'sending')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_push_deliveries_pending"`);
    await queryRunner.query(`CREATE INDEX "ix_push_deliveries_pending" ON "push_deliveries" ("notification_id") WHERE status = 'pending'`);
    await queryRunner.query(`UPDATE "push_deliveries" SET "status" = 'pending' WHERE "status" = 'sending'`);
    await queryRunner.query(`ALTER TABLE "push_deliveries" DROP COLUMN "sending_at"`);
    await queryRunner.query(`ALTER TABLE "push_deliveries" DROP CONSTRAINT "ck_push_deliveries_status"`);
    await queryRunner.query(
      `ALTER TABLE "push_deliveries" ADD CONSTRAINT "ck_push_deliveries_status" CHECK ("status" IN ('pending', 'sent', 'failed', 'skipped'))`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_installation_singleton"`);
    await queryRunner.query(`DROP TABLE "installation"`);
  }
}
