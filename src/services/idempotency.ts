// Idempotency-Key (README "Try it": retries are safe): scoped per account and operation, kept 24 h.
// The D1 primary key is the lock: exactly one request inserts the row and runs; the rest replay, wait (409) or differ (422).
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema';
import { conflict, invalid, unprocessable } from '../lib/errors';
import { canonicalJsonInSlices, sha256HexInSlices } from '../lib/crypto';
import { nowSeconds } from '../lib/time';
import type { Ctx } from './context';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A request that holds the lock longer than this is presumed dead and its key may be taken over. */
const LOCK_SECONDS = 60;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** `Idempotency-Key: abc` or `Idempotency-Key: "abc"`; undefined when absent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is for control characters
  if (!key || key.length > 255 || /[\x00-\x1f\x7f]/.test(key)) {
    throw invalid('Idempotency-Key must be 1–255 printable characters', 'Idempotency-Key');
  }
  return key;
}

export async function withIdempotency(
  ctx: Ctx,
  scope: { accountId: string; route: string; key: string | undefined },
  body: unknown,
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const { db } = ctx;
  const { accountId, route, key } = scope;
  if (key === undefined) return { ...(await run()), replayed: false };
  // In slices: a 10 000-recipient batch is 12 MiB of canonical JSON (README "Security").
  const bodyHash = await sha256HexInSlices(await canonicalJsonInSlices(body));
  const where = and(
    eq(idempotencyKeys.accountId, accountId),
    eq(idempotencyKeys.route, route),
    eq(idempotencyKeys.key, key),
  );

  for (let attempt = 0; attempt < 3; attempt++) {
    const now = nowSeconds();
    const [won] = await db
      .insert(idempotencyKeys)
      .values({
        accountId,
        route,
        key,
        bodyHash,
        state: 'in_flight',
        createdAt: now,
        lockedUntil: now + LOCK_SECONDS,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (won) return { ...(await runAndStore(ctx, where, run)), replayed: false };

    const existing = await db.query.idempotencyKeys.findFirst({ where });
    if (!existing) continue; // removed between our insert and read: try again
    if (existing.createdAt <= now - IDEMPOTENCY_TTL_SECONDS) {
      await db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.createdAt, existing.createdAt)));
      continue;
    }
    if (existing.bodyHash !== bodyHash) {
      throw unprocessable(
        'This Idempotency-Key was already used with a different request body',
        'Idempotency-Key',
      );
    }
    if (existing.state === 'done') {
      return {
        status: existing.responseStatus ?? 200,
        body: JSON.parse(existing.responseBody ?? 'null'),
        replayed: true,
      };
    }
    if (existing.lockedUntil > now) {
      throw conflict(
        'A request with this Idempotency-Key is still in progress; retry shortly',
        'Idempotency-Key',
      );
    }
    const [taken] = await db
      .update(idempotencyKeys)
      .set({ lockedUntil: now + LOCK_SECONDS })
      .where(
        and(
          where,
          eq(idempotencyKeys.state, 'in_flight'),
          eq(idempotencyKeys.lockedUntil, existing.lockedUntil),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    if (!taken)
      throw conflict(
        'A request with this Idempotency-Key is still in progress; retry shortly',
        'Idempotency-Key',
      );
    return { ...(await runAndStore(ctx, where, run)), replayed: false };
  }
  throw conflict('Idempotency-Key is contended; retry shortly', 'Idempotency-Key');
}

async function runAndStore(ctx: Ctx, where: ReturnType<typeof and>, run: () => Promise<StoredResponse>) {
  const { db } = ctx;
  let result: StoredResponse;
  try {
    result = await run();
  } catch (err) {
    // Nothing was created: free the key so a corrected retry can use it.
    await db.delete(idempotencyKeys).where(where);
    throw err;
  }
  if (result.status >= 500 || result.status === 429) {
    await db.delete(idempotencyKeys).where(where);
  } else {
    await db
      .update(idempotencyKeys)
      .set({ state: 'done', responseStatus: result.status, responseBody: JSON.stringify(result.body) })
      .where(where);
  }
  return result;
}

/** Drops keys past their 24 h (run from the cron trigger). */
export async function purgeExpiredIdempotencyKeys(ctx: Ctx) {
  const { db } = ctx;
  await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, nowSeconds() - IDEMPOTENCY_TTL_SECONDS));
}
