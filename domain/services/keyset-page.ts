/**
 * A page from rows read with one more than `limit`: that extra row tells whether another page follows, and the
 * page's last row is where it starts.
 */
export function keysetPage<Row, Cursor>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => Cursor,
): { rows: Row[]; next?: Cursor } {
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, next: cursorOf(page[page.length - 1]!) };
}
