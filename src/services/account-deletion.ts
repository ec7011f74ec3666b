// Account deletion (issue #15, README "Retention and account deletion"): the operator removes every row
// and every object of an account. Order matters: credentials first (keys, Clerk links, dashboard
// sessions), so nothing authenticates as the account while the rest goes; then its Durable Objects and
// KV entries; then every D1 table that has an account_id column — found in sqlite_master, so a table
// added later is not forgotten — children before parents (D1 enforces foreign keys); the account last.
// Every one of those rows is on the account's D1 shard (ctx.db); its directory entries (number claims,
// placement) on `DB` go at the very end.
import { and, eq, gt, isNull, notInArray, or, sql } from 'drizzle-orm';
import { apiKeys, batches, calls, clerkLinks, rtbEndpoints } from '../db/schema';
import { TERMINAL_STATUSES } from '../db/types';
import { dispatcherFor, exchangeFor, limiterFor, sessionFor } from '../durable-objects/stubs';
import { nowSeconds } from '../lib/time';
import { getAccount } from './accounts';
import { keyCache } from './api-keys';
import type { AccountCtx } from './context';
import { kvKey as rtbKvKey } from './rtb-config';
import { forgetRouteSet } from './rtb-routeset';
import { sessionKvPrefix } from './sessions';

/** Tables in the order their rows can go (children first); others with account_id follow, then accounts. */
const ORDER = [
  'deliveries',
  'events',
  'rtb_routes',
  'rtb_bids',
  'rtb_endpoints',
  'calls',
  'batches',
  'messages',
  'whatsapp_contacts',
  'leads',
  'ingest_events',
  'idempotency_keys',
  'reporting_messages',
  'reporting_sessions',
  'audit_events',
  'webhook_endpoints',
  'phone_numbers',
  'provider_credentials',
  'agents',
  'api_keys',
  'clerk_links',
];
/** The directory's tables (db/shards.ts): on `DB` only, emptied after the shard's rows. */
export const DIRECTORY_TABLES = ['number_claims', 'account_placements'];
/** Rows per DELETE statement, so one statement never runs long on a large account. */
const CHUNK = 5000;
/** Durable Objects purged concurrently. */
const PARALLEL = 25;

const changes = (r: unknown) => (r as { meta?: { changes?: number } }).meta?.changes ?? 0;

/** Every table of the database with an account_id column except `accounts` itself. */
export async function accountTables(ctx: AccountCtx<'id'>): Promise<string[]> {
  const d1 = ctx.db.$client;
  const { results } = await d1
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const out: string[] = [];
  for (const { name } of results) {
    if (name === 'accounts' || DIRECTORY_TABLES.includes(name) || !/^[a-z0-9_]+$/.test(name)) continue;
    const cols = await d1.prepare(`PRAGMA table_info(${name})`).all<{ name: string }>();
    if (cols.results.some((c) => c.name === 'account_id')) out.push(name);
  }
  return out;
}

async function inChunks<T>(items: T[], fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(fn));
}

async function deleteLoop(ctx: AccountCtx<'id'>, statement: () => ReturnType<AccountCtx['db']['run']>) {
  let total = 0;
  for (;;) {
    const n = changes(await statement());
    total += n;
    if (n < CHUNK) return total;
  }
}

export async function deleteAccount(ctx: AccountCtx<'id'>) {
  const { db, env } = ctx;
  const id = ctx.account.id;
  await getAccount(ctx, id); // 404 for an unknown account
  const removed: Record<string, number> = {};

  // 1. Nothing authenticates any more: API keys, Clerk links, then dashboard sessions in KV.
  const [keys, links] = await db.batch([
    db.delete(apiKeys).where(eq(apiKeys.accountId, id)),
    db.delete(clerkLinks).where(eq(clerkLinks.accountId, id)),
  ]);
  removed.api_keys = changes(keys);
  keyCache.forgetAccount(id); // this isolate at once; others within the cache's freshness bound
  removed.clerk_links = changes(links);
  removed.kv = 0;
  for (let cursor: string | undefined; ; ) {
    const page = await env.KV.list({ prefix: sessionKvPrefix(id), cursor });
    await Promise.all(page.keys.map((k) => env.KV.delete(k.name)));
    removed.kv += page.keys.length;
    if (page.list_complete) break;
    cursor = page.cursor;
  }

  // 2. Durable Objects. Ended calls past the grace period have already deleted their own storage.
  const grace = Number(env.CALL_SESSION_GRACE_SECONDS);
  const since = nowSeconds() - (Number.isFinite(grace) && grace >= 0 ? grace : 7 * 86_400) - 3600;
  const callIds = (
    await db
      .select({ id: calls.id })
      .from(calls)
      .where(
        and(
          eq(calls.accountId, id),
          or(
            notInArray(calls.status, [...TERMINAL_STATUSES]),
            isNull(calls.endedAt),
            gt(calls.endedAt, since),
          ),
        ),
      )
  ).map((r) => r.id);
  await inChunks(callIds, (callId) => sessionFor(env, callId).purge());
  const batchIds = (await db.select({ id: batches.id }).from(batches).where(eq(batches.accountId, id))).map(
    (r) => r.id,
  );
  await inChunks(batchIds, (batchId) => dispatcherFor(env, batchId).purge());
  await exchangeFor(env, id).purge();
  await limiterFor(env, id).purge();
  removed.durable_objects = callIds.length + batchIds.length + 2;

  // 3. KV entries named after the account's RTB endpoints (their compiled route sets).
  const rtbIds = (
    await db.select({ rtbId: rtbEndpoints.rtbId }).from(rtbEndpoints).where(eq(rtbEndpoints.accountId, id))
  ).map((r) => r.rtbId);
  await Promise.all(rtbIds.map((r) => env.KV.delete(rtbKvKey(r))));
  for (const r of rtbIds) forgetRouteSet(r);
  removed.kv += rtbIds.length;

  // 4. D1: rows of tables without account_id first (they hang off deliveries and calls), then every
  // account_id table in dependency order, then the account.
  removed.delivery_attempts = await deleteLoop(ctx, () =>
    db.run(sql`DELETE FROM delivery_attempts WHERE rowid IN (SELECT a.rowid FROM delivery_attempts a
      JOIN deliveries d ON d.id = a.delivery_id WHERE d.account_id = ${id} LIMIT ${CHUNK})`),
  );
  removed.simulator_dials = await deleteLoop(ctx, () =>
    db.run(sql`DELETE FROM simulator_dials WHERE rowid IN (SELECT s.rowid FROM simulator_dials s
      JOIN calls c ON c.id = s.call_id WHERE c.account_id = ${id} LIMIT ${CHUNK})`),
  );
  const found = await accountTables(ctx);
  const tables = [...ORDER.filter((t) => found.includes(t)), ...found.filter((t) => !ORDER.includes(t))];
  // A table added later whose foreign keys the order does not know yet: retried after the others.
  let pending = tables;
  for (let pass = 0; pending.length && pass <= tables.length; pass++) {
    const failed: string[] = [];
    for (const table of pending) {
      try {
        removed[table] =
          (removed[table] ?? 0) +
          (await deleteLoop(ctx, () =>
            db.run(sql`DELETE FROM ${sql.identifier(table)} WHERE rowid IN (SELECT rowid FROM ${sql.identifier(table)}
              WHERE account_id = ${id} LIMIT ${CHUNK})`),
          ));
      } catch (err) {
        if (!/FOREIGN KEY/i.test(String((err as Error)?.message ?? err)) || pass === tables.length) throw err;
        failed.push(table);
      }
    }
    pending = failed;
  }
  removed.accounts = changes(await db.run(sql`DELETE FROM accounts WHERE id = ${id}`));

  // 5. The directory (on `DB`, whichever shard the account was on): its number claims, then its
  // placement — last, so a deletion that stopped half-way and is run again still finds the shard.
  for (const table of DIRECTORY_TABLES)
    removed[table] = changes(
      await env.DB.prepare(`DELETE FROM ${table} WHERE account_id = ?`).bind(id).run(),
    );
  ctx.log.info('account deleted', { removed });
  return { id, object: 'account' as const, deleted: true as const, removed };
}
