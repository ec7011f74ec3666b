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
