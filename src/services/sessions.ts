// Dashboard sessions without Clerk: an API key (or a Clerk token) is exchanged for a random session id kept
// in KV and sent back as a signed cookie. KV holds the session so sign-out really ends it (a replayed cookie
// is refused) and a revoked API key ends every session made from it (checked on each use).
import { and, eq, isNull } from 'drizzle-orm';
import { accounts, apiKeys } from '../db/schema';
import { accountDb } from '../db/shards';
import type { Env } from '../env';
import { timingSafeEqual } from '../lib/crypto';
import { newSecret } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import type { Account } from '../db/types';
import type { AccountCtx, Ctx } from './context';

export const SESSION_COOKIE = 'cp_session';
export const CSRF_HEADER = 'X-CSRF-Token';
export const SESSION_TTL_SECONDS = 12 * 3600;

interface StoredSession {
  account_id: string;
  /** The API key signed in with; null for a Clerk sign-in. */
  key_id: string | null;
  csrf: string;
  expires_at: number;
  /** A Clerk sign-in's role scopes (lib/scopes.ts); null/absent = full access. */
  scopes?: readonly string[] | null;
}
export interface Session {
  account: Account;
  keyId: string | null;
  csrf: string;
  expiresAt: number;
  /** The signing-in key's scopes (read live) or the Clerk role's; null = full access. */
  scopes: readonly string[] | null;
}

const kvKey = (id: string) => `session:${id}`;
/** Session ids embed the account id, so deleting an account finds its sessions by KV prefix. */
export const sessionKvPrefix = (accountId: string) => `session:sess_${accountId}.`;
const enc = new TextEncoder();

async function hmac(secret: string, value: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(value)));
  return btoa(String.fromCharCode(...sig))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export function sessionsEnabled(env: Env): env is Env & { SESSION_SECRET: string } {
  return !!env.SESSION_SECRET;
}

/** Starts a session; returns the cookie value (`id.signature`) and the CSRF token pages embed. */
export async function createSession(
  ctx: AccountCtx<'id'>,
  keyId: string | null,
  scopes: readonly string[] | null = null,
) {
  const { env } = ctx;
  const accountId = ctx.account.id;
  if (!sessionsEnabled(env)) throw new Error('SESSION_SECRET is not configured');
  const id = `sess_${accountId}.${newSecret('', 24)}`;
  const stored: StoredSession = {
    account_id: accountId,
    key_id: keyId,
    csrf: newSecret('csrf_', 24),
    expires_at: nowSeconds() + SESSION_TTL_SECONDS,
    scopes,
  };
  await env.KV.put(kvKey(id), JSON.stringify(stored), { expirationTtl: SESSION_TTL_SECONDS });
  return {
    cookie: `${id}.${await hmac(env.SESSION_SECRET, id)}`,
    csrf: stored.csrf,
    expiresAt: stored.expires_at,
  };
}

async function sessionId(ctx: Ctx, cookie: string): Promise<string | null> {
  const { env } = ctx;
  if (!sessionsEnabled(env)) return null;
  const dot = cookie.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = cookie.slice(0, dot);
  return timingSafeEqual(cookie.slice(dot + 1), await hmac(env.SESSION_SECRET, id)) ? id : null;
}

/** The live session behind a cookie, or null when forged, expired, signed out or its API key was revoked. */
export async function readSession(ctx: Ctx, cookie: string): Promise<Session | null> {
  const { env } = ctx;
  const id = await sessionId(ctx, cookie);
  if (!id) return null;
  const stored = await env.KV.get<StoredSession>(kvKey(id), 'json');
  const now = nowSeconds();
  if (!stored || stored.expires_at <= now) return null;
  const [row] = await accountDb(env, stored.account_id)
    .select({ account: accounts, key: apiKeys })
    .from(accounts)
    .leftJoin(
      apiKeys,
      and(eq(apiKeys.id, stored.key_id ?? ''), eq(apiKeys.accountId, accounts.id), isNull(apiKeys.revokedAt)),
    )
    .where(eq(accounts.id, stored.account_id))
    .limit(1);
  if (!row) return null;
  if (stored.key_id && (!row.key || (row.key.expiresAt && row.key.expiresAt <= now))) return null;
  const { id: accountId, name, plan, limits, timezone, createdAt } = row.account;
  return {
    account: { id: accountId, name, plan, limits, timezone, createdAt },
    keyId: stored.key_id,
    csrf: stored.csrf,
    expiresAt: stored.expires_at,
    scopes: stored.key_id ? (row.key?.scopes ?? null) : (stored.scopes ?? null),
  };
}

export async function destroySession(ctx: Ctx, cookie: string): Promise<void> {
  const { env } = ctx;
  const id = await sessionId(ctx, cookie);
  if (id) await env.KV.delete(kvKey(id));
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Secure on https, expiring with the session. */
export function sessionCookie(value: string, secure: boolean, maxAge = SESSION_TTL_SECONDS): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
