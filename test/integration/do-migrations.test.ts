import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type AccountLimiter, LIMITER_MIGRATIONS } from '../../src/durable-objects/account-limiter';
import { limiterFor } from '../../src/durable-objects/stubs';
import { migrateDurableObject } from '../../src/lib/do-migrations';

const versions = (storage: DurableObjectStorage) =>
  storage.sql.exec<{ version: number }>('SELECT version FROM _migrations ORDER BY version').toArray();

describe('Durable Object storage migrations', () => {
  it('a new object is at the latest version and its tables exist', async () => {
    const stub = limiterFor(env, `mig-${crypto.randomUUID()}`);
    expect((await stub.hit('api', 5)).allowed).toBe(true);
    await runInDurableObject(stub, (_: AccountLimiter, state) => {
      expect(versions(state.storage)).toEqual(LIMITER_MIGRATIONS.map((_m, i) => ({ version: i + 1 })));
      expect(state.storage.sql.exec('SELECT COUNT(*) AS n FROM hits').one().n).toBe(1);
      expect(state.storage.sql.exec('SELECT COUNT(*) AS n FROM permit_leases').one().n).toBe(0);
    });
  });

  it('an object stored before versioning keeps its rows; a later migration runs once', async () => {
    const stub = limiterFor(env, `mig-${crypto.randomUUID()}`);
    await runInDurableObject(stub, (_: AccountLimiter, state) => {
      const sql = state.storage.sql;
      // As today's objects look: the tables, a row, and no migrations table.
      sql.exec('DROP TABLE _migrations');
      sql.exec("INSERT INTO leases (id, expires_at) VALUES ('call_old', 1)");
      const v1 = ['CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)'];
      const v2 = ['ALTER TABLE leases ADD COLUMN note TEXT'];
      expect(migrateDurableObject(state.storage, [v1, v2])).toBe(0);
      expect(migrateDurableObject(state.storage, [v1, v2])).toBe(2);
      expect(versions(state.storage)).toEqual([{ version: 1 }, { version: 2 }]);
      expect(sql.exec('SELECT id, note FROM leases').toArray()).toEqual([{ id: 'call_old', note: null }]);
    });
  });

  it('a failing migration leaves no trace and is retried next time', async () => {
    const stub = limiterFor(env, `mig-${crypto.randomUUID()}`);
    await runInDurableObject(stub, (_: AccountLimiter, state) => {
      const bad = ['CREATE TABLE half (x INTEGER)', 'THIS IS NOT SQL'];
      const current = LIMITER_MIGRATIONS.map((_m, i) => ({ version: i + 1 }));
      expect(() => migrateDurableObject(state.storage, [...LIMITER_MIGRATIONS, bad])).toThrow();
      expect(versions(state.storage)).toEqual(current);
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'half'").toArray()).toEqual(
        [],
      );
    });
  });
});
