import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A value for COPY … (FORMAT text): null → \N; arrays as PostgreSQL literals; tabs/newlines escaped. */
function cell(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined) return '\\N';
  if (Array.isArray(v)) return `{${v.map((x) => `"${String(x).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`.replace(/\\/g, '\\\\');
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/**
 * Streams rows into a table with COPY. Rows come from a generator so nothing is held in memory;
 * lines are batched into ~1 MiB chunks.
 */
export async function copyRows(db: Client, table: string, columns: string[], rows: Iterable<unknown[]>): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let buf = '';
    for (const r of rows) {
      buf += `${r.map(cell).join('\t')}\n`;
      count++;
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const sink = db.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), sink);
  return count;
}

interface Saved {
  indexes: string[];
  constraints: Array<{ name: string; def: string }>;
}

/**
 * Drops a table's secondary indexes and foreign keys (and pauses its triggers), runs the load, then puts them back (building an
 * index once over loaded rows is far cheaper than maintaining it row by row).
 */
export async function withoutIndexes<T>(db: Client, table: string, load: () => Promise<T>): Promise<T> {
  const saved: Saved = { indexes: [], constraints: [] };
  const fks = await db.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
    [table],
  );
  for (const r of fks.rows) {
    saved.constraints.push({ name: r.conname, def: r.def });
    await db.query(`ALTER TABLE ${table} DROP CONSTRAINT "${r.conname}"`);
  }
  const idx = await db.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [table],
  );
  for (const r of idx.rows) {
    saved.indexes.push(r.def);
    await db.query(`DROP INDEX ${r.name}`);
  }
  // Row triggers (e.g. the change_xid stamp) are skipped: the loader supplies those columns itself.
  await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  let out: T;
  try {
    out = await load();
  } finally {
    await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
  for (const def of saved.indexes) await db.query(def);
  for (const c of saved.constraints) await db.query(`ALTER TABLE ${table} ADD CONSTRAINT "${c.name}" ${c.def}`);
  return out;
}
