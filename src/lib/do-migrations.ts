// Versioned schema migrations for a Durable Object's SQLite storage, as D1 has its migrations folder:
// migration n (1-based) runs once, in a storage transaction with its row in `_migrations`, and objects
// created before this runner existed start at version 0 and apply migration 1 (today's schema, written
// with IF NOT EXISTS so it leaves their tables as they are). Call from blockConcurrencyWhile in the
// constructor, so no request sees a half-migrated object.

/** Each migration is a list of statements; append new ones, never edit a released one. */
export type DoMigrations = ReadonlyArray<readonly string[]>;

/** Brings `storage` to the latest version; returns the version it found. */
export function migrateDurableObject(storage: DurableObjectStorage, migrations: DoMigrations): number {
  const sql = storage.sql;
  sql.exec(
    'CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const found = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM _migrations').one().v ?? 0;
  for (let version = found + 1; version <= migrations.length; version++) {
    storage.transactionSync(() => {
      for (const statement of migrations[version - 1]) sql.exec(statement);
      sql.exec('INSERT INTO _migrations (version, applied_at) VALUES (?, ?)', version, Date.now());
    });
  }
  return found;
}
