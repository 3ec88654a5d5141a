/**
 * The one cursor parameter of cursor pages (`{ items, nextCursor }`): `cursor`. The names used before it
 * (`before` on the login history, the second-factor audit and message history; `since` on the grade and
 * attendance feeds) still work in API v1 and are marked deprecated in the document (CHANGELOG.md).
 */
export function pageCursor(q: { cursor?: string; before?: string; since?: string }): string | undefined {
  return q.cursor ?? q.before ?? q.since;
}

export const DEPRECATED_CURSOR_ALIAS = 'Deprecated: the old name of `cursor`, accepted until API v2';
