import { count, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';

export interface Page {
  limit: number;
  offset: number;
}

/** One page plus the total, in a single D1 round trip. */
export async function paginate<T extends SQLiteTable, R>(
  db: Db,
  table: T,
  where: SQL | undefined,
  orderBy: SQL[],
  page: Page,
  present: (row: T['$inferSelect']) => R,
) {
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(table as SQLiteTable)
      .where(where)
      .orderBy(...orderBy)
      .limit(page.limit)
      .offset(page.offset),
    db
      .select({ n: count() })
      .from(table as SQLiteTable)
      .where(where),
  ]);
  const total = totals[0]?.n ?? 0;
  return {
    object: 'list' as const,
    data: (rows as T['$inferSelect'][]).map(present),
    has_more: page.offset + rows.length < total,
    total,
    limit: page.limit,
    offset: page.offset,
  };
}
