import type { Context } from 'hono';
import { getDb, type Db } from '../db/client';
import type { AppEnv } from '../env';
import { authOf } from '../middleware/auth';
import type { Account } from '../db/types';
import { parseIdempotencyKey, withIdempotency } from '../services/idempotency';

/**
 * Runs a create under the request's Idempotency-Key (scoped to the account and `route`): a retry with
 * the same body replays the stored answer and is marked Idempotent-Replayed.
 */
export async function idempotent<T>(
  c: Context<AppEnv>,
  route: string,
  body: unknown,
  status: number,
  create: (db: Db, account: Account) => Promise<T>,
) {
  const db = getDb(c.env.DB);
  const account = authOf(c).account;
  const key = parseIdempotencyKey(c.req.header('Idempotency-Key'));
  const result = await withIdempotency(db, { accountId: account.id, route, key }, body, async () => ({
    status,
    body: await create(db, account),
  }));
  const headers: Record<string, string> = result.replayed ? { 'Idempotent-Replayed': 'true' } : {};
  return { body: result.body as T, headers };
}
