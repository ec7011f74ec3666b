import { eq } from 'drizzle-orm';
import { accounts, apiKeys, clerkLinks } from '../db/schema';
import { notFound } from '../lib/errors';
import { sha256Hex, timingSafeEqual } from '../lib/crypto';
import { newId, newSecret } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { toAccount, type Account, type AccountRow, type KeyMode, type Limits, type Plan } from '../db/types';
import { issueApiKey, keyCache } from './api-keys';
import { eachShard, findOnShards, placeAccount, placementOf } from '../db/shards';
import { withAccount, type AccountCtx, type Ctx } from './context';

export function presentAccount(a: Account) {
  return {
    id: a.id,
    object: 'account' as const,
    name: a.name,
    plan: a.plan,
    limits: a.limits,
    timezone: a.timezone,
    created_at: a.createdAt,
  };
}

export interface NewAccountInput {
  name: string;
  plan: Plan;
  limits?: Limits;
  timezone?: string;
}

/** Creates an account with its first API key, webhook auth key and ingest key pair; secrets are returned once. */
export async function createAccount(ctx: Ctx, input: NewAccountInput, mode: KeyMode, shard?: string) {
  const id = newId('acct');
  // Placed first (the directory row), then every row of the account goes to that shard.
  const placed = await placeAccount(ctx.env, id, shard);
  const { db } = withAccount(ctx, { id });
  const webhookAuthKey = newSecret('whk_');
  const ingestPublicKey = newSecret('pk_', 16);
  const ingestPrivateKey = newSecret('pvk_');
  const createdAt = nowSeconds();
  const row = {
    id,
    name: input.name,
    plan: input.plan,
    limits: input.limits ?? {},
    timezone: input.timezone ?? 'UTC',
    webhookAuthKeyHash: await sha256Hex(webhookAuthKey),
    ingestPublicKeyHash: await sha256Hex(ingestPublicKey),
    ingestPrivateKeyHash: await sha256Hex(ingestPrivateKey),
    createdAt,
  };
  const key = await issueApiKey(id, mode, 'default');
  await db.batch([db.insert(accounts).values(row), db.insert(apiKeys).values(key.row)]);
  return {
    account: presentAccount(row),
    api_key: key.plaintext,
    webhook_auth_key: webhookAuthKey,
    ingest_public_key: ingestPublicKey,
    ingest_private_key: ingestPrivateKey,
    shard: placed,
  };
}

export async function getAccount(ctx: Ctx, id: string): Promise<AccountRow> {
  const { db } = withAccount(ctx, { id });
  const row = await db.query.accounts.findFirst({ where: eq(accounts.id, id) });
  if (!row) throw notFound('account', 'id');
  return row;
}

export async function updateAccount(
  ctx: Ctx,
  id: string,
  patch: { name?: string; plan?: Plan; limits?: Limits; timezone?: string },
) {
  const { db } = withAccount(ctx, { id });
  await getAccount(ctx, id);
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length) await db.update(accounts).set(set).where(eq(accounts.id, id));
  // Verified keys carry the account (plan, limits, timezone): this isolate sees the change at once.
  keyCache.forgetAccount(id);
  return getAccount(ctx, id);
}

export async function linkClerkSubject(ctx: AccountCtx<'id'>, subject: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getAccount(ctx, accountId);
  const createdAt = nowSeconds();
  await db
    .insert(clerkLinks)
    .values({ subject, accountId, createdAt })
    .onConflictDoUpdate({ target: clerkLinks.subject, set: { accountId, createdAt } });
  // A subject links one account: a link it had on another shard goes (the lookup asks every shard).
  const home = await placementOf(ctx.env, accountId);
  await eachShard(ctx.env, async (other, shard) => {
    if (shard !== home) await other.delete(clerkLinks).where(eq(clerkLinks.subject, subject));
  });
  return { object: 'clerk_link' as const, subject, account_id: accountId, created_at: createdAt };
}

/** Rotates the /call-data auth key; the old one stops working at once. */
export async function rotateWebhookAuthKey(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const key = newSecret('whk_');
  await db
    .update(accounts)
    .set({ webhookAuthKeyHash: await sha256Hex(key) })
    .where(eq(accounts.id, accountId));
  return { webhook_auth_key: key };
}

/** Rotates the x-public-key / x-private-key pair used by /v2/webhooks/call-events. */
export async function rotateIngestKeys(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const pub = newSecret('pk_', 16),
    priv = newSecret('pvk_');
  await db
    .update(accounts)
    .set({ ingestPublicKeyHash: await sha256Hex(pub), ingestPrivateKeyHash: await sha256Hex(priv) })
    .where(eq(accounts.id, accountId));
  return { ingest_public_key: pub, ingest_private_key: priv };
}

/** Secrets longer than this are refused before hashing (no key we issue comes close). */
const MAX_SECRET_LENGTH = 200;

async function accountByHash(
  ctx: Ctx,
  column: 'webhookAuthKeyHash' | 'ingestPublicKeyHash',
  secret?: string,
) {
  if (!secret || secret.length > MAX_SECRET_LENGTH) return null;
  const hash = await sha256Hex(secret);
  // A secret names no account: every shard is asked at once (unique index on each).
  return findOnShards(
    ctx.env,
    (db) => db.query.accounts.findFirst({ where: eq(accounts[column], hash) }),
    (row) => row.id,
  );
}

/** The account whose /call-data auth key this is, or null. */
export async function accountForWebhookAuthKey(
  ctx: Ctx,
  secret: string | undefined,
): Promise<Account | null> {
  const row = await accountByHash(ctx, 'webhookAuthKeyHash', secret);
  return row ? toAccount(row) : null;
}

/** The account the public key names, when the private key matches it; otherwise null. */
export async function accountForIngestKeys(
  ctx: Ctx,
  publicKey: string | undefined,
  privateKey: string | undefined,
): Promise<Account | null> {
  const row = await accountByHash(ctx, 'ingestPublicKeyHash', publicKey);
  if (!row || !privateKey || privateKey.length > MAX_SECRET_LENGTH) return null;
  return timingSafeEqual(await sha256Hex(privateKey), row.ingestPrivateKeyHash) ? toAccount(row) : null;
}
