import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apiKeys } from '../db/schema';
import { conflict, notFound, unprocessable } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { newId, newSecret } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { keyByHash } from '../db/hot-queries';
import { toAccount, type Account, type KeyMode } from '../db/types';
import { findOnShards } from '../db/shards';
import type { Scope } from '../lib/scopes';
import type { AccountCtx, Ctx } from './context';

export const API_KEY_PATTERN = /^sk_(live|test)_[0-9a-z]{32,64}$/;

/** A new key: 160 random bits. Only the SHA-256 of the plaintext is stored. */
export async function issueApiKey(
  accountId: string,
  mode: KeyMode,
  name: string | null,
  opts: { scopes?: string[] | null; createdBy?: string | null } = {},
) {
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
    scopes: opts.scopes ?? null,
    createdBy: opts.createdBy ?? null,
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
    scopes: (k.scopes ?? null) as Scope[] | null,
    ...(plaintext ? { key: plaintext } : {}),
  };
}

export async function createApiKey(
  ctx: AccountCtx<'id'>,
  mode: KeyMode,
  name: string | null,
  opts: { scopes?: string[] | null; createdBy?: string | null } = {},
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const key = await issueApiKey(accountId, mode, name, opts);
  await db.insert(apiKeys).values(key.row);
  return presentKey(key.row, key.plaintext);
}

/**
 * The rule that keeps an account reachable: revoking or rolling away `id` must leave another active,
 * unrestricted key that does not expire. The check and the write are one conditional UPDATE (see
 * `revokeApiKey`), so two concurrent revocations of the last two keys cannot both succeed.
 */
export const LAST_KEY_RULE =
  'An account must keep one active unrestricted API key: create another before revoking or rolling this one';

/** SQL: another active, unrestricted, non-expiring key of the account exists. */
function anotherFullKey(accountId: string, id: string) {
  return sql`exists (select 1 from api_keys k2 where k2.account_id = ${accountId} and k2.id != ${id}
    and k2.revoked_at is null and k2.scopes is null and k2.expires_at is null)`;
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
  const accountId = ctx.account.id;
  const row = await getKey(ctx, id);
  if (row.revokedAt) return { key: presentKey(row), changed: false };
  const now = nowSeconds();
  // Revoking a key that still works needs another full key beside it; an expired one is harmless.
  const guard = row.expiresAt && row.expiresAt <= now ? undefined : anotherFullKey(accountId, id);
  const done = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), guard))
    .returning({ id: apiKeys.id });
  if (!done.length) {
    const again = await getKey(ctx, id);
    if (again.revokedAt) return { key: presentKey(again), changed: false };
    throw conflict(LAST_KEY_RULE, 'id');
  }
  row.revokedAt = now;
  keyCache.forgetAccount(accountId);
  return { key: presentKey(row), changed: true };
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
  // The replacement has the old key's scopes, so rolling a full key always leaves a full key.
  const next = await issueApiKey(accountId, old.mode, old.name, {
    scopes: old.scopes,
    createdBy: old.createdBy,
  });
  await db.batch([
    db.insert(apiKeys).values(next.row),
    db
      .update(apiKeys)
      .set({ expiresAt: old.expiresAt ? Math.min(old.expiresAt, expiresAt) : expiresAt })
      .where(eq(apiKeys.id, id)),
  ]);
  keyCache.forgetAccount(accountId);
  return { ...presentKey(next.row, next.plaintext), replaces: { id: old.id, expires_at: expiresAt } };
}

export interface VerifiedKey {
  account: Account;
  keyId: string;
  scopes: string[] | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

/**
 * Verified keys in isolate memory, by the SHA-256 of the key (never the plaintext), as Unkey does: a
 * request whose key was verified less than `freshMs` ago is answered without D1. Revoking or rolling a
 * key, and changing its account, forget the account's entries in the isolate that made the change at
 * once; every other isolate re-reads D1 when its entry turns `freshMs` old, so a revocation takes effect
 * everywhere within `freshMs` (README "Security"). Unknown keys are never cached (a guessed key costs a
 * D1 read and counts against the caller's IP). `clock` is replaceable in tests.
 */
export const KEY_CACHE_FRESH_MS = 10_000;
const KEY_CACHE_MAX = 10_000;
export const keyCache = {
  freshMs: KEY_CACHE_FRESH_MS,
  clock: () => Date.now(),
  entries: new Map<string, { key: VerifiedKey; at: number }>(),
  /** Drops every cached key of the account (after a write to its keys or to the account itself). */
  forgetAccount(accountId: string) {
    for (const [hash, e] of this.entries) if (e.key.account.id === accountId) this.entries.delete(hash);
  },
  clear() {
    this.entries.clear();
  },
};

/** The account a presented key belongs to, or null when it is unknown, revoked or expired. */
export async function accountForApiKey(ctx: Ctx, plaintext: string): Promise<VerifiedKey | null> {
  if (!API_KEY_PATTERN.test(plaintext)) return null;
  const hash = await sha256Hex(plaintext);
  const now = keyCache.clock();
  const cached = keyCache.entries.get(hash);
  let key: VerifiedKey | null;
  if (cached && now - cached.at < keyCache.freshMs) {
    key = cached.key;
  } else {
    key = await verifyFromDb(ctx, hash);
    keyCache.entries.delete(hash);
    if (key) {
      if (keyCache.entries.size >= KEY_CACHE_MAX)
        keyCache.entries.delete(keyCache.entries.keys().next().value as string);
      keyCache.entries.set(hash, { key, at: now });
    }
  }
  if (!key) return null;
  if (key.expiresAt && key.expiresAt <= Math.floor(now / 1000)) return null;
  return key;
}

async function verifyFromDb(ctx: Ctx, hash: string): Promise<VerifiedKey | null> {
  // A key names no account: every shard is asked (one indexed read each, at once); cached above.
  const row = await findOnShards(
    ctx.env,
    async (db) => (await keyByHash(db, hash))[0],
    (r) => r.account.id,
  );
  if (!row) return null;
  return {
    account: toAccount(row.account),
    keyId: row.key.id,
    scopes: row.key.scopes ?? null,
    lastUsedAt: row.key.lastUsedAt,
    expiresAt: row.key.expiresAt,
  };
}

export const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * Records that a key was used, at most once a minute per key: the caller skips it when the row it read
 * is fresh, and the conditional UPDATE keeps concurrent requests from writing more than once.
 * Called through `waitUntil`, so it never delays the answer.
 */
export async function touchApiKey(ctx: Ctx, keyId: string, now = nowSeconds()) {
  const { db } = ctx;
  const stale = now - LAST_USED_RESOLUTION_SECONDS;
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
}
