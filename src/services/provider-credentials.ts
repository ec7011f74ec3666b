// An account's own Twilio and Meta WhatsApp credentials (README "Provider credentials"). Secrets are sealed
// with lib/secret-box.ts and never leave this module except to call the provider for that same account;
// the API shows public ids and the secrets' last four characters only. The deployment's TWILIO_* / META_*
// credentials stand in for an account without its own only when PROVIDER_DEFAULT_CREDENTIALS=on.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { phoneNumbers, providerCredentials } from '../db/schema';
import type { Env } from '../env';
import { conflict, DomainError, invalid, notFound } from '../lib/errors';
import { sha256Hex, timingSafeEqual } from '../lib/crypto';
import { open, requireKeyring, seal } from '../lib/secret-box';
import { nowSeconds } from '../lib/time';
import { type CredentialVerdict, telephonyFor, twilioCredentialChecker } from '../providers/telephony';
import type { TelephonyProvider } from '../providers/telephony/types';
import { metaCredentialChecker, whatsappFor } from '../providers/whatsapp';
import type { WhatsAppProvider } from '../providers/whatsapp/types';
import { onShard, type AccountCtx, type Ctx } from './context';
import { eachShard } from '../db/shards';

export type CredentialProvider = 'twilio' | 'whatsapp';
type Row = typeof providerCredentials.$inferSelect;

export interface TwilioCreds {
  source: 'account' | 'deployment';
  accountSid: string;
  /** Verifies X-Twilio-Signature. */
  authToken: string;
  /** Basic-auth user and password for the REST API (the API key pair when given). */
  restUser: string;
  restSecret: string;
  apiBase: string;
}

export interface MetaCreds {
  source: 'account' | 'deployment';
  wabaId: string | null;
  token: string;
  /** Verifies X-Hub-Signature-256. */
  appSecret: string | null;
  graphBase: string;
  defaultPhoneNumberId: string | null;
}

export const defaultsEnabled = (env: Env) => env.PROVIDER_DEFAULT_CREDENTIALS === 'on';
const twilioBase = (env: Env) => env.TWILIO_API_BASE || 'https://api.twilio.com';
const graphBase = (env: Env) => env.META_GRAPH_BASE || 'https://graph.facebook.com/v21.0';
const last4 = (s: string | undefined | null) => (s ? s.slice(-4) : null);
const aad = (accountId: string, provider: CredentialProvider, externalId: string) =>
  `${accountId}/${provider}/${externalId}`;

export function deploymentTwilio(env: Env): TwilioCreds | null {
  if (!defaultsEnabled(env) || !env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return null;
  return {
    source: 'deployment',
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    restUser: env.TWILIO_ACCOUNT_SID,
    restSecret: env.TWILIO_AUTH_TOKEN,
    apiBase: twilioBase(env),
  };
}

export function deploymentMeta(env: Env): MetaCreds | null {
  if (!defaultsEnabled(env) || !env.META_WHATSAPP_TOKEN) return null;
  return {
    source: 'deployment',
    wabaId: env.META_WABA_ID || null,
    token: env.META_WHATSAPP_TOKEN,
    appSecret: env.META_APP_SECRET || null,
    graphBase: graphBase(env),
    defaultPhoneNumberId: env.META_PHONE_NUMBER_ID || null,
  };
}

async function rowOf(ctx: AccountCtx<'id'>, provider: CredentialProvider) {
  return ctx.db.query.providerCredentials.findFirst({
    where: and(eq(providerCredentials.accountId, ctx.account.id), eq(providerCredentials.provider, provider)),
  });
}

async function secretsOf(env: Env, row: Row): Promise<Record<string, string>> {
  const ring = await requireKeyring(env.PROVIDER_SECRETS_KEYS);
  return JSON.parse(
    await open(ring, row.keyId, aad(row.accountId, row.provider, row.externalId), row.ciphertext),
  );
}

/** The Twilio credentials this account's calls use: its own, else the deployment's when enabled, else null. */
export async function twilioCredentialsFor(ctx: AccountCtx<'id'>): Promise<TwilioCreds | null> {
  const row = await rowOf(ctx, 'twilio');
  if (!row) return deploymentTwilio(ctx.env);
  const s = await secretsOf(ctx.env, row);
  const apiKeySid = row.details.api_key_sid ?? null;
  return {
    source: 'account',
    accountSid: row.externalId,
    authToken: s.auth_token,
    restUser: apiKeySid ?? row.externalId,
    restSecret: apiKeySid ? s.api_key_secret : s.auth_token,
    apiBase: twilioBase(ctx.env),
  };
}

/** The Meta credentials this account's WhatsApp messages use (same rule as Twilio). */
export async function metaCredentialsFor(ctx: AccountCtx<'id'>): Promise<MetaCreds | null> {
  const row = await rowOf(ctx, 'whatsapp');
  if (!row) return deploymentMeta(ctx.env);
  const s = await secretsOf(ctx.env, row);
  return {
    source: 'account',
    wabaId: row.externalId,
    token: s.access_token,
    appSecret: s.app_secret,
    graphBase: graphBase(ctx.env),
    defaultPhoneNumberId: null,
  };
}

/** The telephony provider for one account's call, with that account's Twilio credentials. */
export async function telephonyForAccount(ctx: AccountCtx<'id'>, name: string): Promise<TelephonyProvider> {
  return telephonyFor(ctx.env, ctx.db, name, name === 'twilio' ? await twilioCredentialsFor(ctx) : null);
}

/** The WhatsApp provider for one account's message, with that account's Meta credentials. */
export async function whatsappForAccount(ctx: AccountCtx<'id'>, name: string): Promise<WhatsAppProvider> {
  return whatsappFor(ctx.env, name, name === 'meta' ? await metaCredentialsFor(ctx) : null);
}

/** Where an account's own Meta app sends its webhooks (and its GET subscription handshake). */
export const metaCallbackUrl = (base: string, accountId: string) => `${base}/providers/whatsapp/${accountId}`;

/** A new Meta webhook verify token: 32 random bytes, hex, recognisable by its prefix. */
const newVerifyToken = () =>
  `cpvt_${[...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/** `base`: the deployment's public origin, for the account's Meta callback URL. */
export function presentCredential(row: Row, base = '', verifyToken: string | null = null) {
  const object = 'provider_credential' as const;
  const d = row.details;
  const times = { created_at: row.createdAt, updated_at: row.updatedAt };
  if (row.provider === 'twilio')
    return {
      object,
      provider: 'twilio' as const,
      account_sid: row.externalId,
      api_key_sid: d.api_key_sid ?? null,
      auth_token_last4: d.auth_token_last4 ?? null,
      api_key_secret_last4: d.api_key_secret_last4 ?? null,
      ...times,
    };
  return {
    object,
    provider: 'whatsapp' as const,
    waba_id: row.externalId,
    access_token_last4: d.access_token_last4 ?? null,
    app_secret_last4: d.app_secret_last4 ?? null,
    webhook_callback_url: metaCallbackUrl(base, row.accountId),
    /** Only in the answer that generated it; GET …/whatsapp/webhook shows it again. */
    webhook_verify_token: verifyToken,
    ...times,
  };
}

export interface TwilioInput {
  account_sid: string;
  auth_token: string;
  api_key?: { sid: string; secret: string };
}
export interface WhatsAppInput {
  waba_id: string;
  access_token: string;
  app_secret: string;
}

/** Creates or replaces the account's credentials for a provider (validated by the route first). */
export async function putCredential(
  ctx: AccountCtx<'id'>,
  provider: CredentialProvider,
  input: TwilioInput | WhatsAppInput,
  base = '',
) {
  const ring = await requireKeyring(ctx.env.PROVIDER_SECRETS_KEYS);
  let externalId: string;
  let details: Record<string, string | null>;
  let secrets: Record<string, string>;
  if (provider === 'twilio') {
    const t = input as TwilioInput;
    externalId = t.account_sid;
    details = {
      api_key_sid: t.api_key?.sid ?? null,
      auth_token_last4: last4(t.auth_token),
      api_key_secret_last4: last4(t.api_key?.secret),
    };
    secrets = { auth_token: t.auth_token, ...(t.api_key ? { api_key_secret: t.api_key.secret } : {}) };
  } else {
    const w = input as WhatsAppInput;
    externalId = w.waba_id;
    details = { access_token_last4: last4(w.access_token), app_secret_last4: last4(w.app_secret) };
    secrets = { access_token: w.access_token, app_secret: w.app_secret };
  }
  const existing = await rowOf(ctx, provider);
  if (existing && existing.externalId !== externalId && (await inUse(ctx, provider)))
    throw conflict(
      `Numbers of this account are verified against ${provider === 'twilio' ? 'Twilio account' : 'WABA'} ${existing.externalId}; release them before changing it`,
      provider === 'twilio' ? 'account_sid' : 'waba_id',
    );
  // Asked of the provider before anything is written: refused or unanswered, the stored row (if any) stays.
  await verifyWithProvider(ctx, provider, input);
  // WhatsApp: the account's Meta webhook verify token, made at the first save and kept by later ones.
  let verifyTokenHash: string | null = null;
  let shownToken: string | null = null;
  if (provider === 'whatsapp') {
    const kept = existing?.verifyTokenHash ? (await secretsOf(ctx.env, existing)).verify_token : undefined;
    const token = kept ?? newVerifyToken();
    if (!kept) shownToken = token;
    secrets.verify_token = token;
    verifyTokenHash = await sha256Hex(token);
  }
  const sealed = await seal(ring, aad(ctx.account.id, provider, externalId), JSON.stringify(secrets));
  const now = nowSeconds();
  const row: Row = {
    accountId: ctx.account.id,
    provider,
    externalId,
    details,
    keyId: sealed.keyId,
    ciphertext: sealed.ciphertext,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    verifyTokenHash,
  };
  await ctx.db
    .insert(providerCredentials)
    .values(row)
    .onConflictDoUpdate({
      target: [providerCredentials.accountId, providerCredentials.provider],
      set: {
        externalId,
        details,
        keyId: row.keyId,
        ciphertext: row.ciphertext,
        updatedAt: now,
        verifyTokenHash,
      },
    });
  return presentCredential(row, base, shownToken);
}

/** Twilio's or Meta's verdict on credentials about to be saved: 400 naming the field, or 503; never stored. */
async function verifyWithProvider(
  ctx: AccountCtx<'id'>,
  provider: CredentialProvider,
  input: TwilioInput | WhatsAppInput,
) {
  let verdict: CredentialVerdict;
  if (provider === 'twilio') {
    const t = input as TwilioInput;
    verdict = await twilioCredentialChecker(ctx.env, ctx.db).verifyCredentials({
      accountSid: t.account_sid,
      authToken: t.auth_token,
      apiKey: t.api_key,
    });
  } else {
    const w = input as WhatsAppInput;
    const registered = await ctx.db
      .select({ id: phoneNumbers.whatsappPhoneNumberId })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.accountId, ctx.account.id), isNotNull(phoneNumbers.whatsappPhoneNumberId)));
    verdict = await metaCredentialChecker(ctx.env).verifyCredentials({
      wabaId: w.waba_id,
      token: w.access_token,
      appSecret: w.app_secret,
      phoneNumberIds: registered.map((r) => r.id).filter((id): id is string => !!id),
    });
  }
  if (verdict.status === 'refused') throw invalid(verdict.message, verdict.param);
  if (verdict.status === 'unavailable')
    throw new DomainError('provider_unavailable', verdict.message, undefined, { 'Retry-After': '10' });
}

async function inUse(ctx: AccountCtx<'id'>, provider: CredentialProvider) {
  const cond =
    provider === 'twilio'
      ? eq(phoneNumbers.provider, 'twilio')
      : isNotNull(phoneNumbers.whatsappPhoneNumberId);
  const used = await ctx.db.query.phoneNumbers.findFirst({
    where: and(eq(phoneNumbers.accountId, ctx.account.id), cond),
    columns: { id: true },
  });
  return !!used;
}

export async function getCredential(ctx: AccountCtx<'id'>, provider: CredentialProvider, base = '') {
  const row = await rowOf(ctx, provider);
  if (!row) throw notFound('provider credential', 'provider');
  return presentCredential(row, base);
}

export async function listCredentials(ctx: AccountCtx<'id'>, base = '') {
  const rows = await ctx.db.query.providerCredentials.findMany({
    where: eq(providerCredentials.accountId, ctx.account.id),
  });
  return { object: 'list' as const, data: rows.map((r) => presentCredential(r, base)), has_more: false };
}

/** The account's Meta webhook settings: the callback URL and verify token to enter in its Meta app. */
export async function getMetaWebhook(ctx: AccountCtx<'id'>, base = '') {
  const row = await rowOf(ctx, 'whatsapp');
  if (!row) throw notFound('provider credential', 'provider');
  const token = row.verifyTokenHash ? (await secretsOf(ctx.env, row)).verify_token : undefined;
  if (!token) throw notFound('verify token (PUT the WhatsApp credentials again to make one)', 'provider');
  return {
    object: 'meta_webhook' as const,
    callback_url: metaCallbackUrl(base, ctx.account.id),
    verify_token: token,
  };
}

/**
 * A new verify token for the account's Meta webhook (the old one stops verifying at once): the secrets are
 * sealed again with the token replaced, under the keyring's current key, in one statement.
 */
export async function rotateMetaVerifyToken(ctx: AccountCtx<'id'>, base = '') {
  const row = await rowOf(ctx, 'whatsapp');
  if (!row) throw notFound('provider credential', 'provider');
  const ring = await requireKeyring(ctx.env.PROVIDER_SECRETS_KEYS);
  const secrets = await secretsOf(ctx.env, row);
  const token = newVerifyToken();
  secrets.verify_token = token;
  const sealed = await seal(ring, aad(ctx.account.id, 'whatsapp', row.externalId), JSON.stringify(secrets));
  await ctx.db
    .update(providerCredentials)
    .set({
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext,
      verifyTokenHash: await sha256Hex(token),
      updatedAt: nowSeconds(),
    })
    .where(
      and(eq(providerCredentials.accountId, ctx.account.id), eq(providerCredentials.provider, 'whatsapp')),
    );
  return {
    object: 'meta_webhook' as const,
    callback_url: metaCallbackUrl(base, ctx.account.id),
    verify_token: token,
  };
}

/**
 * Meta's GET subscription handshake at /providers/whatsapp/{account_id}: whether `given` is that account's own
 * verify token (compared as SHA-256, in constant time). Another account's token never matches: it hashes to
 * that other account's row, and only this account's row is read.
 */
export async function metaVerifyTokenMatches(ctx: AccountCtx<'id'>, given: string) {
  if (!given) return false;
  const [row] = await ctx.db
    .select({ hash: providerCredentials.verifyTokenHash })
    .from(providerCredentials)
    .where(
      and(eq(providerCredentials.accountId, ctx.account.id), eq(providerCredentials.provider, 'whatsapp')),
    );
  return !!row?.hash && timingSafeEqual(await sha256Hex(given), row.hash);
}

/** Removes them; refused while numbers verified against them still route through them. */
export async function deleteCredential(ctx: AccountCtx<'id'>, provider: CredentialProvider) {
  const row = await rowOf(ctx, provider);
  if (!row) throw notFound('provider credential', 'provider');
  if (await inUse(ctx, provider))
    throw conflict(
      `Phone numbers of this account still use these ${provider} credentials; release them first`,
      'provider',
    );
  await ctx.db
    .delete(providerCredentials)
    .where(
      and(eq(providerCredentials.accountId, ctx.account.id), eq(providerCredentials.provider, provider)),
    );
  return { object: 'provider_credential' as const, provider, deleted: true as const };
}

/**
 * Re-seals up to `limit` rows sealed under an older key with the current one. The only cross-account scan
 * of credentials (an operator action): it walks the D1 shards in turn, `limit` rows in all.
 */
export async function reencryptCredentials(ctx: Ctx, limit = 100) {
  const ring = await requireKeyring(ctx.env.PROVIDER_SECRETS_KEYS);
  const old = [...ring.keys.keys()].filter((k) => k !== ring.currentId);
  if (!old.length) return { reencrypted: 0, remaining: 0, key_id: ring.currentId };
  let reencrypted = 0,
    remaining = 0;
  await eachShard(ctx.env, async (db) => {
    const r = await reencryptOnShard(onShard(ctx, db), ring, old, limit - reencrypted);
    reencrypted += r.reencrypted;
    remaining += r.remaining;
  });
  return { reencrypted, remaining, key_id: ring.currentId };
}

async function reencryptOnShard(
  ctx: Ctx,
  ring: Awaited<ReturnType<typeof requireKeyring>>,
  old: string[],
  limit: number,
) {
  const rows = await ctx.db
    .select()
    .from(providerCredentials)
    .where(inArray(providerCredentials.keyId, old))
    .limit(Math.max(limit, 0));
  let done = 0;
  for (const row of rows) {
    const a = aad(row.accountId, row.provider, row.externalId);
    const sealed = await seal(ring, a, await open(ring, row.keyId, a, row.ciphertext));
    const changed = await ctx.db
      .update(providerCredentials)
      .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
      .where(
        and(
          eq(providerCredentials.accountId, row.accountId),
          eq(providerCredentials.provider, row.provider),
          eq(providerCredentials.keyId, row.keyId),
          eq(providerCredentials.ciphertext, row.ciphertext),
        ),
      )
      .returning({ a: providerCredentials.accountId });
    done += changed.length;
  }
  const [{ n }] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(providerCredentials)
    .where(inArray(providerCredentials.keyId, old));
  return { reencrypted: done, remaining: n };
}
