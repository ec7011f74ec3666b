// Tests read and write D1 behind the API's back (to age a row, count what was stored). With accounts on
// two shards (src/db/shards.ts) such SQL must reach the right database. `shardsDb` is a D1 for tests:
// a statement that names an account (a bound or literal `acct_…`) runs on that account's shard; any other
// statement runs on every shard — reads are merged (first row found, all rows concatenated), writes
// (an UPDATE or DELETE by row id) change the shard holding the row. Never used by the Worker itself.
import { env } from 'cloudflare:workers';
import { getDb } from '../../src/db/client';

export const SHARDS = ['DB', 'DB_SHARD_1'] as const;
export type ShardName = (typeof SHARDS)[number];

export const shardDb = (name: ShardName): D1Database => (name === 'DB' ? env.DB : env.DB_SHARD_1!);

/** The shard an account lives on (the directory's placement; no row = DB). */
export async function shardOf(accountId: string): Promise<ShardName> {
  const row = await env.DB.prepare('SELECT shard FROM account_placements WHERE account_id = ?')
    .bind(accountId)
    .first<{ shard: ShardName }>();
  return row?.shard ?? 'DB';
}

/** The D1 binding of an account's shard. */
export const dbOf = async (accountId: string) => shardDb(await shardOf(accountId));

const ACCOUNT = /\bacct_[A-Za-z0-9_-]+/;
function accountIn(sql: string, params: unknown[]): string | null {
  for (const p of params) if (typeof p === 'string' && /^acct_[A-Za-z0-9_-]+$/.test(p)) return p;
  return ACCOUNT.exec(sql)?.[0] ?? null;
}

async function targets(sql: string, params: unknown[]): Promise<D1Database[]> {
  const account = accountIn(sql, params);
  return account ? [await dbOf(account)] : SHARDS.map(shardDb);
}

export class ShardStatement {
  constructor(
    readonly sql: string,
    readonly params: unknown[] = [],
  ) {}
  bind(...values: unknown[]) {
    return new ShardStatement(this.sql, values);
  }
  on(d1: D1Database) {
    const s = d1.prepare(this.sql);
    return this.params.length ? s.bind(...this.params) : s;
  }
  async first<T = Record<string, unknown>>(col?: string): Promise<T | null> {
    const dbs = await targets(this.sql, this.params);
    const rows = (await Promise.all(dbs.map((d1) => this.on(d1).first<Record<string, unknown>>()))).filter(
      (r): r is Record<string, unknown> => r !== null && r !== undefined,
    );
    if (!rows.length) return null;
    // A COUNT asked of every shard is the sum of the shards' counts.
    const row =
      rows.length > 1 && /\bcount\s*\(/i.test(this.sql)
        ? Object.fromEntries(
            Object.keys(rows[0]).map((k) => [
              k,
              typeof rows[0][k] === 'number' ? rows.reduce((n, r) => n + Number(r[k] ?? 0), 0) : rows[0][k],
            ]),
          )
        : rows[0];
    return (col === undefined ? row : (row[col] ?? null)) as T | null;
  }
  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const rs = await Promise.all((await targets(this.sql, this.params)).map((d1) => this.on(d1).all<T>()));
    const merged = rs[0];
    return { ...merged, results: rs.flatMap((r) => r.results) };
  }
  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    const rs = await Promise.all((await targets(this.sql, this.params)).map((d1) => this.on(d1).run<T>()));
    const changes = rs.reduce((n, r) => n + (r.meta?.changes ?? 0), 0);
    return { ...rs[0], meta: { ...rs[0].meta, changes }, results: rs.flatMap((r) => r.results ?? []) };
  }
  async raw<T = unknown[]>(): Promise<T[]> {
    const rs = await Promise.all((await targets(this.sql, this.params)).map((d1) => this.on(d1).raw<T>()));
    return rs.flat();
  }
}

/** See the file's comment: SQL for tests that reaches the right shard(s). */
export const shardsDb = {
  prepare: (sql: string) => new ShardStatement(sql),
  /** One shard for the whole batch (it is atomic): the account's when any statement names one, else each. */
  async batch(stmts: ShardStatement[]) {
    let account: string | null = null;
    for (const s of stmts) account ??= accountIn(s.sql, s.params);
    const dbs = account ? [await dbOf(account)] : SHARDS.map(shardDb);
    const rs = await Promise.all(dbs.map((d1) => d1.batch(stmts.map((s) => s.on(d1)))));
    return rs[0];
  },
};

/** The same service ctx once per shard (the cron runs its jobs per shard: src/index.ts `scheduled`). */
export const perShard = <C extends { db: unknown }>(ctx: C): C[] =>
  SHARDS.map((n) => ({ ...ctx, db: getDb(shardDb(n)) }));
