import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = ReturnType<typeof getDb>;

const cache = new WeakMap<D1Database, ReturnType<typeof build>>();
const build = (d1: D1Database) => drizzle(d1, { schema });

/** One drizzle wrapper per D1 binding, built on first use. */
export function getDb(d1: D1Database) {
  let db = cache.get(d1);
  if (!db) {
    db = build(d1);
    cache.set(d1, db);
  }
  return db;
}

/**
 * A drizzle wrapper over one D1 session (read replicas): its queries see at least the writes the
 * constraint (a bookmark, `first-primary` or `first-unconstrained`) names. One per request.
 */
export function getSessionDb(d1: D1Database, constraint: string) {
  const session = d1.withSession(constraint);
  return { session, db: build(session as unknown as D1Database) as Db };
}
