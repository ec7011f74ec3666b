// D1 shards (issue #15, docs/SCALING.md "Shards"). Accounts are placed on one of several D1 databases,
// listed by binding name in D1_SHARDS ("DB,DB_SHARD_1"). `DB` is both shard 0 and the directory: it holds
// the placement map (account_placements) and the deployment-wide claims on numbers (number_claims).
// An account without a placement row is on `DB` (every account made before shards), so nothing moves.
// Placements never change once written, so they are cached in isolate memory for good.
//
// `accountDb(env, id)` is the account's shard as a drizzle handle, usable synchronously (services build
// contexts with withAccount in many places): when the placement is not cached yet it is a routed D1 that
// resolves the placement once, on its first statement. Lookups that start from something other than an
// account id and no directory entry (a key hash, a call id, a Clerk subject…) ask every shard at once
// (`findOnShards`); work that spans accounts (the cron, operator queries) loops over `eachShard`.
import { getDb, type Db } from './client';
import type { Env } from '../env';

export const DIRECTORY = 'DB';
type Policy = 'hash' | 'fewest';

/** The shard bindings this deployment places accounts on; `DB` always first. */
export function shardNames(env: Env): string[] {
  const listed = (env.D1_SHARDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = [DIRECTORY, ...listed.filter((n) => n !== DIRECTORY)];
  return [...new Set(names)];
}

export function shardD1(env: Env, name: string): D1Database {
  const d1 = (env as unknown as Record<string, D1Database | undefined>)[name];
  if (!d1 || typeof d1.prepare !== 'function') throw new Error(`D1 shard binding ${name} is not bound`);
  return d1;
}

export const directoryDb = (env: Env): Db => getDb(env.DB);

/** account id → shard name; placements never change, so entries never go stale. */
const placements = new Map<string, string>();
const PLACEMENT_CACHE_MAX = 100_000;

export function rememberPlacement(accountId: string, shard: string) {
  if (placements.size >= PLACEMENT_CACHE_MAX) placements.delete(placements.keys().next().value as string);
  placements.set(accountId, shard);
}
export const cachedPlacement = (accountId: string) => placements.get(accountId);
/** Tests only: forget what this isolate learned (e.g. after writing a placement row by hand). */
export const forgetPlacements = () => placements.clear();

/** The shard an account lives on: one indexed directory read, then memory. */
export async function placementOf(env: Env, accountId: string): Promise<string> {
  const hit = placements.get(accountId);
  if (hit) return hit;
  const names = shardNames(env);
  if (names.length === 1) return DIRECTORY;
  const row = await env.DB.prepare('SELECT shard FROM account_placements WHERE account_id = ?')
    .bind(accountId)
    .first<{ shard: string }>();
  const shard = row?.shard ?? DIRECTORY;
  rememberPlacement(accountId, shard);
  return shard;
}

/** FNV-1a: stable across isolates and releases, so the same id always hashes to the same shard. */
function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Places a new account (before any of its rows are written) and records it in the directory.
 * `pinned` (the admin API's `shard`) wins; otherwise D1_PLACEMENT: `hash` (default) or `fewest`.
 */
export async function placeAccount(env: Env, accountId: string, pinned?: string): Promise<string> {
  const names = shardNames(env);
  let shard = pinned;
  if (shard && !names.includes(shard)) throw new Error(`unknown shard ${shard}`);
  if (!shard) {
    const policy: Policy = env.D1_PLACEMENT === 'fewest' ? 'fewest' : 'hash';
    if (names.length === 1) shard = DIRECTORY;
    else if (policy === 'hash') shard = names[stableHash(accountId) % names.length];
    else {
      const { results } = await env.DB.prepare(
        'SELECT shard, count(*) AS n FROM account_placements GROUP BY shard',
      ).all<{ shard: string; n: number }>();
      const count = new Map(results.map((r) => [r.shard, r.n]));
      shard = names.reduce((best, n) => ((count.get(n) ?? 0) < (count.get(best) ?? 0) ? n : best));
    }
  }
  if (names.length > 1 || shard !== DIRECTORY)
    await env.DB.prepare('INSERT INTO account_placements (account_id, shard, created_at) VALUES (?, ?, ?)')
      .bind(accountId, shard, Math.floor(Date.now() / 1000))
      .run();
  rememberPlacement(accountId, shard);
  return shard;
}

// A D1 whose target is the account's shard, found on the first statement (drizzle prepares
// synchronously; D1 only talks to the database when a statement runs).
class RoutedStatement {
  constructor(
    private readonly routed: RoutedD1,
    readonly sql: string,
    readonly params: unknown[] = [],
  ) {}
  bind(...values: unknown[]) {
    return new RoutedStatement(this.routed, this.sql, values);
  }
  on(d1: D1Database): D1PreparedStatement {
    const s = d1.prepare(this.sql);
    return this.params.length ? s.bind(...this.params) : s;
  }
  private async real() {
    return this.on(await this.routed.target());
  }
  async run() {
    return (await this.real()).run();
  }
  async all() {
    return (await this.real()).all();
  }
  async first(col?: string) {
    const s = await this.real();
    return col === undefined ? s.first() : s.first(col);
  }
  async raw(opts?: { columnNames?: boolean }) {
    return (await this.real()).raw(opts as { columnNames: true });
  }
}

class RoutedD1 {
  constructor(
    private readonly env: Env,
    private readonly accountId: string,
  ) {}
  async target() {
    return shardD1(this.env, await placementOf(this.env, this.accountId));
  }
  prepare(sql: string) {
    return new RoutedStatement(this, sql);
  }
  async batch(stmts: unknown[]) {
    const d1 = await this.target();
    return d1.batch(stmts.map((s) => (s instanceof RoutedStatement ? s.on(d1) : (s as D1PreparedStatement))));
  }
  async exec(sql: string) {
    return (await this.target()).exec(sql);
  }
}

const routed = new WeakMap<Env, Map<string, Db>>();
/** The account's shard as drizzle: the binding itself once the placement is known, else a routed one. */
export function accountDb(env: Env, accountId: string): Db {
  const shard = placements.get(accountId);
  if (shard) return getDb(shardD1(env, shard));
  if (shardNames(env).length === 1) return getDb(env.DB);
  let m = routed.get(env);
  if (!m) routed.set(env, (m = new Map()));
  let db = m.get(accountId);
  if (!db) {
    if (m.size > 10_000) m.clear();
    db = getDb(new RoutedD1(env, accountId) as unknown as D1Database);
    m.set(accountId, db);
  }
  return db;
}

/**
 * A lookup by something other than an account id, asked of every shard at once (each an indexed read):
 * the first shard that answers wins. `found(value)` names the account, whose placement is then known.
 */
export async function findOnShards<T>(
  env: Env,
  find: (db: Db, shard: string) => Promise<T | null | undefined>,
  accountOf?: (value: T) => string,
): Promise<T | null> {
  const names = shardNames(env);
  const answers = await Promise.all(names.map((n) => find(getDb(shardD1(env, n)), n)));
  const i = answers.findIndex((a) => a !== null && a !== undefined);
  if (i < 0) return null;
  const value = answers[i] as T;
  if (accountOf) rememberPlacement(accountOf(value), names[i]);
  return value;
}

/** Cross-shard operator work (the cron, re-encryption, counts): runs `fn` on each shard in turn. */
export async function eachShard<T>(env: Env, fn: (db: Db, shard: string) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const n of shardNames(env)) out.push(await fn(getDb(shardD1(env, n)), n));
  return out;
}
