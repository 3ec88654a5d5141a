import { FeedErrors } from './feed.errors';

/**
 * Cursor of every `?cursor=` feed of changes: `<xid>.<id>` — the transaction id (`change_xid`) of the last change the
 * client has, then that row's id (a uuid or a number) to order changes of one transaction. The grade and attendance
 * feeds use the same semantics (a row is listed again when a later transaction changes it; rows of transactions that
 * may still commit are held back, so a cursor never skips a late commit).
 */
export const FEED_CURSOR_PATTERN = /^\d{1,20}\.([0-9a-f-]{36}|\d{1,19})$/;

export interface FeedPosition {
  xid: string;
  id: string;
}

/** Before every change: xid 0 (rows that existed before their table had a change_xid) and the smallest id. */
export const FEED_START: FeedPosition = { xid: '0', id: '00000000-0000-0000-0000-000000000000' };

/** A row of a feed source: its change_xid and id, as text. */
export interface FeedRow {
  cx: string;
  id: string;
}

export interface FeedPage<V> {
  items: V[];
  /** Where to continue: after the last item, or the same position when nothing changed. Never null. */
  nextCursor: string;
  hasMore: boolean;
}

export function parseFeedCursor(raw: string | undefined): FeedPosition {
  if (!raw) return FEED_START;
  if (!FEED_CURSOR_PATTERN.test(raw)) throw FeedErrors.invalidCursor();
  const [xid, id] = raw.split('.');
  if (BigInt(xid) > 9223372036854775807n) throw FeedErrors.invalidCursor();
  return { xid, id };
}

/** Rows whose transaction may still commit are held back (they would otherwise be skipped by a cursor taken before). */
export const SETTLED_XID_SQL = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';

/**
 * SQL condition: the row `(cx, id)` comes after the cursor, in the order every feed uses (change_xid, then the id as
 * text in the "C" collation — the order `compareFeedRows` uses too), and its transaction has settled. `xid` and `id`
 * are the placeholders of the cursor's parts (`:fcXid`/`:fcId` by default, or `$2`/`$3`).
 */
export function afterCursorSql(cx: string, id: string, p: { xid: string; id: string } = { xid: ':fcXid', id: ':fcId' }): string {
  const xid = `CAST(${p.xid} AS bigint)`;
  return `${cx} >= ${xid} AND (${cx} > ${xid} OR ${id} COLLATE "C" > ${p.id}) AND ${cx} < ${SETTLED_XID_SQL}`;
}

/** ORDER BY of a feed source, matching afterCursorSql. */
export const feedOrderSql = (cx: string, id: string): string => `${cx}, ${id} COLLATE "C"`;

/** Named parameters of afterCursorSql's default placeholders. */
export const cursorParams = (after: FeedPosition): { fcXid: string; fcId: string } => ({ fcXid: after.xid, fcId: after.id });

function compareFeedRows(a: FeedRow, b: FeedRow): number {
  const x = BigInt(a.cx) - BigInt(b.cx);
  if (x !== 0n) return x < 0n ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One page of a feed: reads `limit + 1` rows after the cursor from each source (rows of a table, its tombstones…),
 * merges them in feed order, keeps the first `limit` and answers where to continue. `view` maps the page's rows
 * (in one go, so it can load what they need in one query).
 */
export async function readFeedPage<R extends FeedRow, V>(
  rawCursor: string | undefined,
  limit: number,
  sources: Array<(after: FeedPosition, limit: number) => Promise<R[]>>,
  view: (rows: R[]) => V[] | Promise<V[]>,
): Promise<FeedPage<V>> {
  const after = parseFeedCursor(rawCursor);
  const rows = (await Promise.all(sources.map((s) => s(after, limit + 1)))).flat().sort(compareFeedRows);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: await view(page), nextCursor: last ? `${last.cx}.${last.id}` : `${after.xid}.${after.id}`, hasMore: rows.length > limit };
}

/** The one filter a feed of several kinds was given (`classId`, `studentId`, …); none or several → 400 FEED_TARGET_REQUIRED. */
export function oneFeedTarget<K extends string>(q: Partial<Record<K, string>>, keys: K[]): K {
  const given = keys.filter((k) => q[k] !== undefined);
  if (given.length !== 1) throw FeedErrors.targetRequired(keys);
  return given[0];
}
