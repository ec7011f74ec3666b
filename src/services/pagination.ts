import { and, asc, count, desc, inArray, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { notFound } from '../lib/errors';

/**
 * A page request: Stripe cursors — `starting_after` (the next, older page after that object),
 * `ending_before` (the newer page before it), both (the window between them) — and `offset` (kept for
 * Movoice clients, capped; with a cursor it skips past it). `total` is counted only with `include_total`.
 */
export interface Page {
  limit: number;
  offset: number;
  starting_after?: string;
  ending_before?: string;
  include_total?: boolean;
}

/** A listed table: every list is an account's rows, newest first by (created_at, id). */
type Listed = SQLiteTable & { id: SQLiteColumn; accountId: SQLiteColumn };

/**
 * One page in a single D1 round trip. Rows are ordered by `order` (time, then a unique tie-breaker),
 * newest first, so a cursor is exact: items created while a client pages never repeat or go missing.
 * A cursor naming an object that is not in this account's list is a 404 with `param`.
 */
export async function paginate<T extends Listed, R>(
  db: Db,
  table: T,
  opts: { scope: SQL; where?: SQL; order: [SQLiteColumn | SQL, SQLiteColumn | SQL] },
  page: Page,
  present: (row: T['$inferSelect']) => R,
) {
  const [time, tie] = opts.order;
  const where = and(opts.scope, opts.where);
  const cursorOf = (id: string) =>
    sql`(select ${time}, ${tie} from ${table} where ${table.id} = ${id} and ${opts.scope})`;
  const older =
    page.starting_after !== undefined ? sql`(${time}, ${tie}) < ${cursorOf(page.starting_after)}` : undefined;
  const newerThan =
    page.ending_before !== undefined ? sql`(${time}, ${tie}) > ${cursorOf(page.ending_before)}` : undefined;
  // ending_before alone pages towards the newest (ascending, then reversed); otherwise newest first.
  const newer = page.ending_before !== undefined && page.starting_after === undefined;
  const rowsQuery = db
    .select()
    .from(table as SQLiteTable)
    .where(and(where, older, newerThan))
    .orderBy(...(newer ? [asc(time), asc(tie)] : [desc(time), desc(tie)]))
    .limit(page.limit + 1)
    .offset(page.offset);
  const cursors = [
    ...(page.starting_after !== undefined ? [['starting_after', page.starting_after] as const] : []),
    ...(page.ending_before !== undefined ? [['ending_before', page.ending_before] as const] : []),
  ];
  const found = db
    .select({ id: table.id })
    .from(table as SQLiteTable)
    .where(and(inArray(table.id, cursors.length ? cursors.map(([, id]) => id) : ['']), opts.scope));
  const totalQuery = db
    .select({ n: count() })
    .from(table as SQLiteTable)
    .where(where);
  let rows: T['$inferSelect'][];
  let total: number | undefined;
  if (cursors.length) {
    const [r, f, t] = await (page.include_total
      ? db.batch([rowsQuery, found, totalQuery])
      : db.batch([rowsQuery, found]));
    const known = new Set(f.map((x) => x.id));
    const missing = cursors.find(([, id]) => !known.has(id));
    if (missing) throw notFound('object', missing[0]);
    rows = r as T['$inferSelect'][];
    total = t?.[0]?.n;
  } else if (page.include_total) {
    const [r, t] = await db.batch([rowsQuery, totalQuery]);
    rows = r as T['$inferSelect'][];
    total = t[0]?.n ?? 0;
  } else {
    rows = (await rowsQuery) as T['$inferSelect'][];
  }
  return listPage(rows, page, newer, total, present);
}

/**
 * The list answer from `limit + 1` fetched rows (the extra one only tells `has_more`); rows fetched
 * ascending for `ending_before` (`newer`) are turned back to newest first.
 */
export function listPage<T, R>(
  fetched: T[],
  page: Page,
  newer: boolean,
  total: number | undefined,
  present: (row: T) => R,
) {
  const rows = fetched.slice(0, page.limit);
  if (newer) rows.reverse();
  return {
    object: 'list' as const,
    data: rows.map(present),
    has_more: fetched.length > page.limit,
    ...(total !== undefined ? { total } : {}),
    limit: page.limit,
    offset: page.offset,
  };
}
