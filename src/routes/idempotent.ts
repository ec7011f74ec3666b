import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ctxOf } from '../middleware/auth';
import type { AccountCtx } from '../services/context';
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
  create: (ctx: AccountCtx) => Promise<T>,
) {
  const ctx = ctxOf(c);
  const key = parseIdempotencyKey(c.req.header('Idempotency-Key'));
  const result = await withIdempotency(ctx, { accountId: ctx.account.id, route, key }, body, async () => ({
    status,
    body: await create(ctx),
  }));
  const headers: Record<string, string> = result.replayed ? { 'Idempotent-Replayed': 'true' } : {};
  return { body: result.body as T, headers };
}
