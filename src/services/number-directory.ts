// Numbers across D1 shards (db/shards.ts). An E.164 number and a WhatsApp phone_number_id belong to one
// account in the whole deployment, and they arrive without an account (inbound calls, Meta webhooks).
// The directory (`DB`) holds a claim per identifier (number_claims, primary key (kind, value)): a number
// is claimed there first, then its row is written on the account's shard; a failed shard write releases
// the claim. A claim whose account has no such row (a crash between the two writes) is stale: once older
// than CLAIM_GRACE_SECONDS another account may take it over, so no number is locked for ever.
import { and, eq } from 'drizzle-orm';
import { phoneNumbers } from '../db/schema';
import { accountDb, findOnShards } from '../db/shards';
type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
import type { Env } from '../env';
import { nowSeconds } from '../lib/time';
import type { AccountCtx, Ctx } from './context';

export type ClaimKind = 'number' | 'whatsapp_id';
/** A claim younger than this is never judged stale: its shard row may be on its way. */
export const CLAIM_GRACE_SECONDS = 60;

const column = (kind: ClaimKind) =>
  kind === 'number' ? phoneNumbers.number : phoneNumbers.whatsappPhoneNumberId;

async function holderOf(env: Env, kind: ClaimKind, value: string) {
  return env.DB.prepare('SELECT account_id, created_at FROM number_claims WHERE kind = ? AND value = ?')
    .bind(kind, value)
    .first<{ account_id: string; created_at: number }>();
}

/** The row of `accountId` for this identifier, read on that account's shard. */
async function rowOf(env: Env, accountId: string, kind: ClaimKind, value: string) {
  return (
    (await accountDb(env, accountId).query.phoneNumbers.findFirst({
      where: and(eq(column(kind), value), eq(phoneNumbers.accountId, accountId)),
    })) ?? null
  );
}

/**
 * The number row an identifier routes to, read on its owner's shard: the directory names the account
 * (one indexed read); a stale claim routes nowhere. Rows with no claim (written around the API) are
 * looked for on every shard.
 */
export async function ownedNumber(ctx: Ctx, kind: ClaimKind, value: string): Promise<PhoneNumberRow | null> {
  if (!value) return null;
  const holder = await holderOf(ctx.env, kind, value);
  if (holder) return rowOf(ctx.env, holder.account_id, kind, value);
  return findOnShards(
    ctx.env,
    async (db) => (await db.query.phoneNumbers.findFirst({ where: eq(column(kind), value) })) ?? null,
    (row) => row.accountId,
  );
}

/**
 * Claims an identifier for the ctx's account. `claimed`: newly this account's (release it if the shard
 * write fails); `mine`: it already was; `taken`: another account holds it (its row exists, or its claim
 * is younger than the grace period).
 */
export async function claim(
  ctx: AccountCtx<'id'>,
  kind: ClaimKind,
  value: string,
): Promise<{ outcome: 'claimed' | 'mine' | 'taken'; holder?: string }> {
  const { env } = ctx;
  const me = ctx.account.id;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = nowSeconds();
    const made = await env.DB.prepare(
      'INSERT INTO number_claims (kind, value, account_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    )
      .bind(kind, value, me, now)
      .run();
    if (made.meta.changes === 1) return { outcome: 'claimed' };
    const holder = await holderOf(env, kind, value);
    if (!holder) continue; // released between the two statements: try again
    if (holder.account_id === me) return { outcome: 'mine' };
    if (now - holder.created_at < CLAIM_GRACE_SECONDS) return { outcome: 'taken', holder: holder.account_id };
    if (await rowOf(env, holder.account_id, kind, value))
      return { outcome: 'taken', holder: holder.account_id };
    // Stale: take it over only if nobody else did meanwhile (compare-and-set on the holder).
    const took = await env.DB.prepare(
      'UPDATE number_claims SET account_id = ?, created_at = ? WHERE kind = ? AND value = ? AND account_id = ?',
    )
      .bind(me, now, kind, value, holder.account_id)
      .run();
    if (took.meta.changes === 1) return { outcome: 'claimed' };
  }
  return { outcome: 'taken' };
}

/** Gives up this account's claim (the row was deleted, changed, or never written). */
export async function release(ctx: AccountCtx<'id'>, kind: ClaimKind, value: string | null | undefined) {
  if (!value) return;
  await ctx.env.DB.prepare('DELETE FROM number_claims WHERE kind = ? AND value = ? AND account_id = ?')
    .bind(kind, value, ctx.account.id)
    .run();
}
