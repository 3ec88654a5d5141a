import { MigrationInterface, QueryRunner } from 'typeorm';

/** The xid of the writing transaction, as the feeds' cursors count (as trigger diary_stamp_change_xid stamps it). */
const XID = `"diary_current_xid"()`;

/** Tables the new `?cursor=` feeds read: index of each feed query (filter column, then the cursor). */
const FEED_TABLES: Array<{ table: string; indexes: Array<{ name: string; columns: string; where?: string }> }> = [
  {
    table: 'lessons',
    indexes: [
      { name: 'ix_lessons_class_change', columns: '"class_id", "change_xid", "id"' },
      { name: 'ix_lessons_teacher_change', columns: '"teacher_id", "change_xid", "id"' },
      {
        name: 'ix_lessons_substitute_change',
        columns: '"substitute_teacher_id", "change_xid", "id"',
        where: '"substitute_teacher_id" IS NOT NULL',
      },
    ],
  },
  { table: 'homework', indexes: [{ name: 'ix_homework_class_change', columns: '"class_id", "change_xid", "id"' }] },
  { table: 'messages', indexes: [{ name: 'ix_messages_conversation_change', columns: '"conversation_id", "change_xid", "id"' }] },
  { table: 'conversation_members', indexes: [{ name: 'ix_conversation_members_user_change', columns: '"user_id", "change_xid"' }] },
  { table: 'notifications', indexes: [{ name: 'ix_notifications_user_change', columns: '"user_id", "change_xid", "id"' }] },
];

/**
 * Issue 11 item 6 (docs/architecture.md «Idempotency-Key» and «Delta feeds»):
 *
 * 1. The grades module's `idempotency_keys` becomes core's `idempotent_requests` (renamed, rows kept): keyed by
 *    (user, key) instead of (user, operation, key) — of a key a user gave two operations only the newest row stays —
 *    with the route it was used for, a reservation (owner, lease), the commit mark and the answer encrypted by the app
 *    (`answer`). The old rows keep their plain `response` and their body hash, marked `legacy:`, so a phone retrying
 *    a grade across the deploy still gets its first answer; they are purged within 14 days like every key.
 * 2. `change_xid` (the transaction id of the last write, the feeds' cursor) on lessons, homework, messages,
 *    conversation_members and notifications: existing rows get 0 (no table rewrite), new rows the inserting
 *    transaction's id by default, updates by trigger `diary_stamp_change_xid`; an index per feed query.
 * 3. `feed_tombstones`: what left a feed (a deleted lesson, homework or notification, a membership that ended, a lesson
 *    no longer covered by its substitute), written only by the triggers below, read by the feeds as `deleted: true`.
 *    A homework attachment added or removed stamps its homework, so the homework feed shows it.
 */
export class IdempotencyAndFeeds1795700000500 implements MigrationInterface {
  name = 'IdempotencyAndFeeds1795700000500';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // ---- 1. idempotency keys move to core/idempotency
    await queryRunner.query(`ALTER TABLE "idempotency_keys" RENAME TO "idempotent_requests"`);
    await queryRunner.query(`ALTER INDEX "ix_idempotency_keys_created_at" RENAME TO "ix_idempotent_requests_created_at"`);
    await queryRunner.query(`DELETE FROM "idempotent_requests" a USING "idempotent_requests" b
            WHERE a.user_id = b.user_id AND a.key = b.key AND (a.created_at, a.scope) < (b.created_at, b.scope)`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" ADD "request_method" text, ADD "request_path" text, ADD "owner" uuid,
            ADD "lease_until" TIMESTAMP WITH TIME ZONE, ADD "committed_at" TIMESTAMP WITH TIME ZONE, ADD "answer" bytea, ADD "completed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "idempotent_requests" SET request_method = 'POST',
            request_path = CASE scope WHEN 'grades.create' THEN '/api/v1/grades' WHEN 'grades.batch' THEN '/api/v1/grades/batch'
                                      WHEN 'attendance.mark' THEN '/api/v1/attendance' ELSE '/' || scope END,
            request_hash = 'legacy:' || request_hash,
            status_code = CASE WHEN response IS NULL THEN NULL ELSE 201 END,
            committed_at = created_at, completed_at = CASE WHEN response IS NULL THEN NULL ELSE created_at END`);
    await queryRunner.query(
      `ALTER TABLE "idempotent_requests" ALTER "request_method" SET NOT NULL, ALTER "request_path" SET NOT NULL, ALTER "request_hash" DROP NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "idempotent_requests" DROP CONSTRAINT "pk_idempotency_keys_user_id_scope_key"`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" DROP COLUMN "scope"`);
    await queryRunner.query(
      `ALTER TABLE "idempotent_requests" ADD CONSTRAINT "pk_idempotent_requests_user_id_key" PRIMARY KEY ("user_id", "key")`,
    );

    // ---- 2. change_xid on the tables the feeds read (a function as the default, so the entities can name it)
    await queryRunner.query(
      `CREATE FUNCTION "diary_current_xid"() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT pg_current_xact_id()::text::bigint $$`,
    );
    for (const { table, indexes } of FEED_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "change_xid" bigint NOT NULL DEFAULT 0`);
      await queryRunner.query(`ALTER TABLE "${table}" ALTER "change_xid" SET DEFAULT ${XID}`);
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_change_xid" BEFORE UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "diary_stamp_change_xid"()`,
      );
      for (const ix of indexes) {
        await queryRunner.query(`CREATE INDEX "${ix.name}" ON "${table}" (${ix.columns})${ix.where ? ` WHERE ${ix.where}` : ''}`);
      }
    }

    // ---- 3. tombstones
    await queryRunner.query(`CREATE TABLE "feed_tombstones" ("id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "feed" text NOT NULL, "scope_id" uuid NOT NULL,
            "row_id" text NOT NULL, "change_xid" bigint NOT NULL DEFAULT ${XID}, "deleted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "ck_feed_tombstones_feed" CHECK ("feed" IN ('lesson', 'homework', 'conversation', 'notification')),
            CONSTRAINT "pk_feed_tombstones_id" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "ix_feed_tombstones_feed_scope_change" ON "feed_tombstones" ("feed", "scope_id", "change_xid", "row_id")`,
    );

    // a deleted lesson leaves its class's feed and its teachers'; a substitute no longer covering it, theirs
    await queryRunner.query(`CREATE FUNCTION "feed_tombstone_lessons"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF TG_OP = 'DELETE' THEN
              INSERT INTO feed_tombstones (feed, scope_id, row_id)
                SELECT 'lesson', s.scope_id, o.id::text FROM old_rows o
                  CROSS JOIN LATERAL unnest(ARRAY[o.class_id, o.teacher_id, o.substitute_teacher_id]) AS s(scope_id) WHERE s.scope_id IS NOT NULL;
            ELSE
              INSERT INTO feed_tombstones (feed, scope_id, row_id)
                SELECT 'lesson', o.substitute_teacher_id, o.id::text FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE o.substitute_teacher_id IS NOT NULL AND o.substitute_teacher_id IS DISTINCT FROM n.substitute_teacher_id
                   AND o.substitute_teacher_id <> n.teacher_id;
            END IF;
            RETURN NULL; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_lessons_tombstone_del" AFTER DELETE ON "lessons" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "feed_tombstone_lessons"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "trg_lessons_tombstone_upd" AFTER UPDATE ON "lessons" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "feed_tombstone_lessons"()`,
    );

    await queryRunner.query(`CREATE FUNCTION "feed_tombstone_homework"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO feed_tombstones (feed, scope_id, row_id) SELECT 'homework', o.class_id, o.id::text FROM old_rows o;
            RETURN NULL; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_homework_tombstone" AFTER DELETE ON "homework" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "feed_tombstone_homework"()`,
    );

    await queryRunner.query(`CREATE FUNCTION "feed_tombstone_conversation_members"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO feed_tombstones (feed, scope_id, row_id) SELECT 'conversation', o.user_id, o.conversation_id::text FROM old_rows o;
            RETURN NULL; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_conversation_members_tombstone" AFTER DELETE ON "conversation_members" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "feed_tombstone_conversation_members"()`,
    );

    await queryRunner.query(`CREATE FUNCTION "feed_tombstone_notifications"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            INSERT INTO feed_tombstones (feed, scope_id, row_id) SELECT 'notification', o.user_id, o.id::text FROM old_rows o;
            RETURN NULL; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_notifications_tombstone" AFTER DELETE ON "notifications" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "feed_tombstone_notifications"()`,
    );

    // an attachment added or removed is a change of its homework
    await queryRunner.query(`CREATE FUNCTION "homework_files_stamp_homework"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF TG_OP = 'INSERT' THEN
              UPDATE homework SET change_xid = ${XID} WHERE id IN (SELECT homework_id FROM new_rows WHERE homework_id IS NOT NULL);
            ELSE
              UPDATE homework SET change_xid = ${XID} WHERE id IN (SELECT homework_id FROM old_rows WHERE homework_id IS NOT NULL);
            END IF;
            RETURN NULL; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_homework_files_stamp_ins" AFTER INSERT ON "homework_files" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "homework_files_stamp_homework"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "trg_homework_files_stamp_del" AFTER DELETE ON "homework_files" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "homework_files_stamp_homework"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_homework_files_stamp_del" ON "homework_files"`);
    await queryRunner.query(`DROP TRIGGER "trg_homework_files_stamp_ins" ON "homework_files"`);
    await queryRunner.query(`DROP FUNCTION "homework_files_stamp_homework"()`);
    await queryRunner.query(`DROP TRIGGER "trg_notifications_tombstone" ON "notifications"`);
    await queryRunner.query(`DROP FUNCTION "feed_tombstone_notifications"()`);
    await queryRunner.query(`DROP TRIGGER "trg_conversation_members_tombstone" ON "conversation_members"`);
    await queryRunner.query(`DROP FUNCTION "feed_tombstone_conversation_members"()`);
    await queryRunner.query(`DROP TRIGGER "trg_homework_tombstone" ON "homework"`);
    await queryRunner.query(`DROP FUNCTION "feed_tombstone_homework"()`);
    await queryRunner.query(`DROP TRIGGER "trg_lessons_tombstone_upd" ON "lessons"`);
    await queryRunner.query(`DROP TRIGGER "trg_lessons_tombstone_del" ON "lessons"`);
    await queryRunner.query(`DROP FUNCTION "feed_tombstone_lessons"()`);
    await queryRunner.query(`DROP TABLE "feed_tombstones"`);
    for (const { table, indexes } of [...FEED_TABLES].reverse()) {
      for (const ix of indexes) await queryRunner.query(`DROP INDEX "public"."${ix.name}"`);
      await queryRunner.query(`DROP TRIGGER "trg_${table}_change_xid" ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "change_xid"`);
    }
    await queryRunner.query(`DROP FUNCTION "diary_current_xid"()`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" DROP CONSTRAINT "pk_idempotent_requests_user_id_key"`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" ADD "scope" text`);
    // keys the old code can replay (grades and attendance, completed) go back; the others cannot be expressed
    await queryRunner.query(`DELETE FROM "idempotent_requests" WHERE request_path NOT IN ('/api/v1/grades', '/api/v1/grades/batch', '/api/v1/attendance')
            OR request_hash IS NULL OR request_hash NOT LIKE 'legacy:%' OR response IS NULL`);
    await queryRunner.query(`UPDATE "idempotent_requests" SET scope = CASE request_path WHEN '/api/v1/grades' THEN 'grades.create'
            WHEN '/api/v1/grades/batch' THEN 'grades.batch' ELSE 'attendance.mark' END, request_hash = substr(request_hash, 8), status_code = 200`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" ALTER "scope" SET NOT NULL, ALTER "request_hash" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" DROP COLUMN "request_method", DROP COLUMN "request_path", DROP COLUMN "owner",
            DROP COLUMN "lease_until", DROP COLUMN "committed_at", DROP COLUMN "answer", DROP COLUMN "completed_at"`);
    await queryRunner.query(
      `ALTER TABLE "idempotent_requests" ADD CONSTRAINT "pk_idempotency_keys_user_id_scope_key" PRIMARY KEY ("user_id", "scope", "key")`,
    );
    await queryRunner.query(`ALTER INDEX "ix_idempotent_requests_created_at" RENAME TO "ix_idempotency_keys_created_at"`);
    await queryRunner.query(`ALTER TABLE "idempotent_requests" RENAME TO "idempotency_keys"`);
  }
}
