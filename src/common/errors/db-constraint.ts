import { QueryFailedError } from 'typeorm';

/** PostgreSQL error code of a failed query (23505 unique, 23503 foreign key, …), if any. */
export const pgErrorCode = (e: unknown): string | undefined =>
  e instanceof QueryFailedError ? (e.driverError as { code?: string }).code : undefined;

/** Runs a write, turning a unique or foreign-key violation into the given domain error. */
export async function mapConstraint<T>(write: () => Promise<T>, onUnique: () => Error, onForeignKey?: () => Error): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (pgErrorCode(e) === '23505') throw onUnique();
    if (pgErrorCode(e) === '23503' && onForeignKey) throw onForeignKey();
    throw e;
  }
}

export const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
