import { templateDb, withAdminClient } from './test-db';

export default async function globalTeardown(): Promise<void> {
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${templateDb()}" WITH (FORCE)`));
}
