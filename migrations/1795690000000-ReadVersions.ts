import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version counters for the read cache (src/core/read-cache): a row per class, per student and one for
 * the catalog (nil uuid), bumped by triggers in the same transaction as the change they describe, so a
 * reader that sees a version also sees every change counted in it. Nothing but these triggers writes
 * the table.
 *
 * - class:   lessons, homework, homework files, grades, attendance, enrolments, period marks of the class
 * - student: grades, attendance, enrolments, period marks of the student
 * - catalog: names of people, subjects and classes; school/region time zones; grading settings; periods
 *
 * Statement-level triggers with transition tables: a batch of 25 grades bumps its class and 25 students
 * once each, the class first (see bump_read_versions on lock order).
 */
export class ReadVersions1795690000000 implements MigrationInterface {
  name = 'ReadVersions1795690000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "read_versions" ("id" uuid NOT NULL, "version" bigint NOT NULL, CONSTRAINT "pk_read_versions_id" PRIMARY KEY ("id"))`,
    );
    // TG_ARGV: the changed table's columns holding the ids to bump, the class column first.
    await queryRunner.query(`CREATE FUNCTION "bump_read_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := '{}';
  i int;
  src text;
BEGIN
  FOR i IN 1 .. TG_NARGS LOOP
    FOREACH src IN ARRAY (CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows'] ELSE ARRAY['new_rows', 'old_rows'] END) LOOP
      parts := parts || format('SELECT %s AS pos, %I AS id FROM %I', i, TG_ARGV[i - 1], src);
    END LOOP;
  END LOOP;
  -- Rows are locked in the order written: classes (the first argument) before students, each by id. Two
  -- writers to one class queue on the class row before either holds a student row, so they cannot deadlock.
  EXECUTE 'INSERT INTO read_versions AS v (id, version) SELECT id, 1 FROM (SELECT id, min(pos) AS pos FROM (' ||
          array_to_string(parts, ' UNION ALL ') || ') a WHERE id IS NOT NULL GROUP BY id) ids ORDER BY pos, id ' ||
          'ON CONFLICT (id) DO UPDATE SET version = v.version + 1';
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "bump_catalog_read_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO read_versions AS v (id, version) VALUES ('00000000-0000-0000-0000-000000000000', 1)
    ON CONFLICT (id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$`);
    // Files hang off a homework (or a submission, which no cached view shows): bump the homework's class.
    await queryRunner.query(`CREATE FUNCTION "bump_homework_file_read_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO read_versions AS v (id, version)
      SELECT DISTINCT h.class_id, 1 FROM new_rows f JOIN homework h ON h.id = f.homework_id ORDER BY 1
      ON CONFLICT (id) DO UPDATE SET version = v.version + 1;
  ELSE
    INSERT INTO read_versions AS v (id, version)
      SELECT DISTINCT h.class_id, 1 FROM old_rows f JOIN homework h ON h.id = f.homework_id ORDER BY 1
      ON CONFLICT (id) DO UPDATE SET version = v.version + 1;
  END IF;
  RETURN NULL;
END $$`);
    for (const [table, cols] of SCOPED) {
      const args = cols.map((c) => `'${c}'`).join(', ');
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_rv_ins" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_read_versions"(${args})`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_rv_upd" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_read_versions"(${args})`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_rv_del" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_read_versions"(${args})`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER "trg_homework_files_rv_ins" AFTER INSERT ON "homework_files" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_homework_file_read_versions"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "trg_homework_files_rv_del" AFTER DELETE ON "homework_files" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "bump_homework_file_read_versions"()`,
    );
    for (const [table, cols] of CATALOG) {
      const on = cols ? `UPDATE OF ${cols.map((c) => `"${c}"`).join(', ')}` : 'INSERT OR UPDATE OR DELETE';
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_rv_catalog" AFTER ${on} ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "bump_catalog_read_version"()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of CATALOG) await queryRunner.query(`DROP TRIGGER "trg_${table}_rv_catalog" ON "${table}"`);
    await queryRunner.query(`DROP TRIGGER "trg_homework_files_rv_del" ON "homework_files"`);
    await queryRunner.query(`DROP TRIGGER "trg_homework_files_rv_ins" ON "homework_files"`);
    for (const [table] of SCOPED) {
      for (const op of ['del', 'upd', 'ins']) await queryRunner.query(`DROP TRIGGER "trg_${table}_rv_${op}" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "bump_homework_file_read_versions"()`);
    await queryRunner.query(`DROP FUNCTION "bump_catalog_read_version"()`);
    await queryRunner.query(`DROP FUNCTION "bump_read_versions"()`);
    await queryRunner.query(`DROP TABLE "read_versions"`);
  }
}

/** Tables whose rows belong to a class and/or a student, and the columns naming them. */
const SCOPED: Array<[string, string[]]> = [
  ['lessons', ['class_id']],
  ['homework', ['class_id']],
  ['grades', ['class_id', 'student_id']],
  ['attendance', ['class_id', 'student_id']],
  ['enrolments', ['class_id', 'student_id']],
  ['period_marks', ['class_id', 'student_id']],
];

/** Tables the cached views read names and settings from; null: any change, else an update of these columns. */
const CATALOG: Array<[string, string[] | null]> = [
  ['users', ['last_name', 'first_name', 'middle_name']],
  ['subjects', ['name']],
  ['classes', ['name']],
  ['schools', ['timezone']],
  ['regions', ['timezone']],
  ['grading_settings', null],
  ['academic_periods', null],
];
