import { and, desc, eq, isNull } from 'drizzle-orm';
import { accounts, apiKeys } from '../db/schema';
import { notFound, unprocessable } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { newId, newSecret } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { toAccount, type Account, type KeyMode } from '../db/types';
import type { AccountCtx, Ctx } from './context';

export const API_KEY_PATTERN = /^sk_(live|test)_[0-9a-z]{32,64}$/;

/** A new key: 160 random bits. Only the SHA-256 of the plaintext is stored. */
export async function issueApiKey(accountId: string, mode: KeyMode, name: string | null) {
  const plaintext = newSecret(`sk_${mode}_`, 20);
  const createdAt = nowSeconds();
  const row = {
    id: newId('key'),
    accountId,
    name,
    mode,
    prefix: `sk_${mode}_`,
    last4: plaintext.slice(-4),
    keyHash: await sha256Hex(plaintext),
    createdAt,
    expiresAt: null as number | null,
    revokedAt: null,
    lastUsedAt: null,
  };
  return { plaintext, row };
}

type KeyRow = typeof apiKeys.$inferSelect;

export function presentKey(k: KeyRow, plaintext?: string) {
  const now = nowSeconds();
  const status: 'revoked' | 'expired' | 'active' = k.revokedAt
    ? 'revoked'
    : k.expiresAt && k.expiresAt <= now
      ? 'expired'
      : 'active';
  return {
    id: k.id,
    object: 'api_key' as const,
    name: k.name,
    mode: k.mode,
    prefix: k.prefix,
    last4: k.last4,
    redacted: `${k.prefix}…${k.last4}`,
    status,
    created_at: k.createdAt,
    expires_at: k.expiresAt,
    revoked_at: k.revokedAt,
    last_used_at: k.lastUsedAt,
    ...(plaintext ? { key: plaintext } : {}),
  };
}

export async function createApiKey(ctx: AccountCtx<'id'>, mode: KeyMode, name: string | null) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const key = await issueApiKey(accountId, mode, name);
  await db.insert(apiKeys).values(key.row);
  return presentKey(key.row, key.plaintext);
}

export async function listApiKeys(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return { object: 'list' as const, data: rows.map((r) => presentKey(r)) };
}

async function getKey(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.apiKeys.findFirst({
    where: and(eq(apiKeys.id, id), eq(apiKeys.accountId, accountId)),
  });
  if (!row) throw notFound('api_key', 'id');
  return row;
}

export async function revokeApiKey(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const row = await getKey(ctx, id);
  if (!row.revokedAt) {
    row.revokedAt = nowSeconds();
    await db.update(apiKeys).set({ revokedAt: row.revokedAt }).where(eq(apiKeys.id, id));
  }
  return presentKey(row);
}

/** Issues a replacement key; the old one keeps working for `overlapSeconds`, then expires. */
export async function rollApiKey(ctx: AccountCtx<'id'>, id: string, overlapSeconds: number) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const old = await getKey(ctx, id);
  const now = nowSeconds();
  if (old.revokedAt || (old.expiresAt && old.expiresAt <= now))
    throw unprocessable('Only an active key can be rolled', 'id');
  const expiresAt = now + overlapSeconds;
  const next = await issueApiKey(accountId, old.mode, old.name);
  await db.batch([
    db
      .update(apiKeys)
      .set({ expiresAt: old.expiresAt ? Math.min(old.expiresAt, expiresAt) : expiresAt })
      .where(eq(apiKeys.id, id)),
    db.insert(apiKeys).values(next.row),
  ]);
  return { ...presentKey(next.row, next.plaintext), replaces: { id: old.id, expires_at: expiresAt } };
}

/** The account a presented key belongs to, or null when it is unknown, revoked or expired. */
export async function accountForApiKey(
  ctx: Ctx,
  plaintext: string,
): Promise<{ account: Account; keyId: string } | null> {
  const { db } = ctx;
  if (!API_KEY_PATTERN.test(plaintext)) return null;
  const hash = await sha256Hex(plaintext);
  const [row] = await db
    .select({ key: apiKeys, account: accounts })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (row.key.expiresAt && row.key.expiresAt <= nowSeconds()) return null;
  return { account: toAccount(row.account), keyId: row.key.id };
}
