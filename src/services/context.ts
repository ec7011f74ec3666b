// The one calling convention for services: `verb(ctx, …input)`, where ctx carries the bindings, the
// D1 handle, a logger and (for account-scoped work) the account. Routes build it once per request
// (ctxOf in middleware/auth.ts); Durable Objects, the queue consumer and the cron build a system ctx
// and scope it to an account they know by id (withAccount).
import { getDb, type Db } from '../db/client';
import { accountDb } from '../db/shards';
import type { Account } from '../db/types';
import type { Env } from '../env';
import { logger, type LogContext, type Logger } from '../lib/log';

export interface Ctx {
  env: Env;
  db: Db;
  log: Logger;
}

/** A ctx scoped to one account. K narrows what a caller must know: a Durable Object often has only the id. */
export type AccountCtx<K extends keyof Account = keyof Account> = Ctx & { account: Pick<Account, K> };

/**
 * For work no single request owns: queue batches, the cron, Durable Objects. Its db is `DB` (the directory
 * and shard 0): anything about one account goes through withAccount, anything across accounts loops over
 * the shards (db/shards.ts eachShard / findOnShards).
 */
export function systemCtx(env: Env, log: LogContext = {}): Ctx {
  return { env, db: getDb(env.DB), log: logger(env, log) };
}

/** The same ctx on one shard (cross-shard operator work). */
export const onShard = (ctx: Ctx, db: Db): Ctx => ({ ...ctx, db });

/**
 * The same bindings, scoped to `account` (its id is added to every log line) and to the account's shard.
 * A ctx already scoped to that account keeps its db (the request's D1 session).
 */
export function withAccount<A extends Pick<Account, 'id'>>(ctx: Ctx, account: A): Ctx & { account: A } {
  const same = (ctx as Partial<AccountCtx<'id'>>).account?.id === account.id;
  const db = same ? ctx.db : accountDb(ctx.env, account.id);
  return { env: ctx.env, db, log: ctx.log.with({ account_id: account.id }), account };
}
