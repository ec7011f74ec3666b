// The one calling convention for services: `verb(ctx, …input)`, where ctx carries the bindings, the
// D1 handle, a logger and (for account-scoped work) the account. Routes build it once per request
// (ctxOf in middleware/auth.ts); Durable Objects, the queue consumer and the cron build a system ctx
// and scope it to an account they know by id (withAccount).
import { getDb, type Db } from '../db/client';
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

/** For work no single request owns: queue batches, the cron, Durable Objects. */
export function systemCtx(env: Env, log: LogContext = {}): Ctx {
  return { env, db: getDb(env.DB), log: logger(env, log) };
}

/** The same bindings, scoped to `account` (its id is added to every log line). */
export function withAccount<A extends Pick<Account, 'id'>>(ctx: Ctx, account: A): Ctx & { account: A } {
  return { env: ctx.env, db: ctx.db, log: ctx.log.with({ account_id: account.id }), account };
}
