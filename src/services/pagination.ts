import { and, asc, count, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { notFound } from '../lib/errors';

/**
 * A page request. `offset` (kept for Movoice clients, capped) or one Stripe cursor: `starting_after`
 * (the next, older page after that object) or `ending_before` (the newer page before it). `total` is
 * counted only when `include_total` asks for it.
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
  const cursor = page.starting_after ?? page.ending_before;
  const param = page.starting_after !== undefined ? 'starting_after' : 'ending_before';
  const newer = page.ending_before !== undefined && page.starting_after === undefined;
  const of = cursor
    ? sql`(select ${time}, ${tie} from ${table} where ${table.id} = ${cursor} and ${opts.scope})`
    : undefined;
  const after = of ? (newer ? sql`(${time}, ${tie}) > ${of}` : sql`(${time}, ${tie}) < ${of}`) : undefined;
  const rowsQuery = db
    .select()
    .from(table as SQLiteTable)
    .where(and(where, after))
    .orderBy(...(newer ? [asc(time), asc(tie)] : [desc(time), desc(tie)]))
    .limit(page.limit + 1)
    .offset(cursor ? 0 : page.offset);
  const found = db
    .select({ id: table.id })
    .from(table as SQLiteTable)
    .where(and(eq(table.id, cursor ?? ''), opts.scope));
  const totalQuery = db
    .select({ n: count() })
    .from(table as SQLiteTable)
    .where(where);
  let rows: T['$inferSelect'][];
  let total: number | undefined;
  if (cursor) {
    const [r, f, t] = await (page.include_total
      ? db.batch([rowsQuery, found, totalQuery])
      : db.batch([rowsQuery, found]));
    if (!f.length) throw notFound('object', param);
    rows = r as T['$inferSelect'][];
    total = t?.[0]?.n;
  } else if (page.include_total) {
    const [r, t] = await db.batch([rowsQuery, totalQuery]);
    rows = r as T['$inferSelect'][];
    total = t[0]?.n ?? 0;
  } else {
    rows = (await rowsQuery) as T['$inferSelect'][];
  }
  const has_more = rows.length > page.limit;
  rows = rows.slice(0, page.limit);
  if (newer) rows.reverse();
  return {
    object: 'list' as const,
    data: rows.map(present),
    has_more,
    ...(total !== undefined ? { total } : {}),
    limit: page.limit,
    offset: cursor ? 0 : page.offset,
  };
}
