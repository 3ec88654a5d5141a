/** The catalog's row in read_versions (names, time zones, grading settings, periods). */
export const CATALOG_VERSION_ID = '00000000-0000-0000-0000-000000000000';

/**
 * A SQL expression giving, as one text ("12.40.3"), the read_versions counters of the given id
 * expressions (a class, a student) and of the catalog. Put it in the query that checks the caller's
 * access, so the hit path of a cached view costs that one query.
 */
export function readVersionsSql(...idExprs: string[]): string {
  const parts = [...idExprs, `'${CATALOG_VERSION_ID}'::uuid`].map(
    (e) => `COALESCE((SELECT rv.version FROM read_versions rv WHERE rv.id = ${e}), 0)`,
  );
  return `concat_ws('.', ${parts.join(', ')})`;
}
