import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { getSessionDb } from '../db/client';
import { accountDb, cachedPlacement, placementOf, shardD1 } from '../db/shards';
import { DomainError, forbidden, notFound, unauthorized } from '../lib/errors';
import { grants, requiredScope } from '../lib/scopes';
import type { AuditContext } from '../services/audit';
import { countAnonymous } from './rate-limit';
import { requestLog } from './request-context';
import { timingSafeEqual } from '../lib/crypto';
import { accountForApiKey, LAST_USED_RESOLUTION_SECONDS, touchApiKey } from '../services/api-keys';
import { nowSeconds } from '../lib/time';
import { accountForClerkToken, looksLikeJwt } from '../services/clerk';
import { CSRF_HEADER, readSession, SESSION_COOKIE } from '../services/sessions';
import { getCookie } from 'hono/cookie';
import { systemCtx, withAccount, type AccountCtx } from '../services/context';

export function bearerToken(c: Context): string | null {
  const header = c.req.header('Authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * API key or (when `clerk` is allowed) a Clerk session token, or — for the dashboard, on the same surfaces
 * as Clerk — the session cookie together with the session's CSRF token in `X-CSRF-Token` on every method,
 * so a cross-site request that carries the cookie alone is never authenticated.
 */
export function requireAccount(opts: { clerk: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      await authenticate(c, opts);
    } catch (err) {
      // Failed credentials count against the caller's IP, so key guessing is throttled.
      if (err instanceof DomainError && err.code === 'unauthorized') {
        throw new DomainError('unauthorized', err.message, undefined, await countAnonymous(c));
      }
      throw err;
    }
    requireScope(c);
    await next();
  };
}

/** Restricted keys and Clerk roles: the operation's scope (lib/scopes.ts) must be granted. */
function requireScope(c: Context<AppEnv>) {
  const needed = requiredScope(c.req.method, c.req.path);
  if (!grants(c.get('auth')?.scopes, needed))
    throw forbidden(`This key lacks the ${needed} scope required by this operation`);
}

/** last_used_at, off the request path and at most once a minute per key. */
const touchedAt = new Map<string, number>(); // per isolate: a burst of requests writes once, not once each
function touchLater(c: Context<AppEnv>, accountId: string, keyId: string, lastUsedAt: number | null) {
  const now = nowSeconds();
  const last = Math.max(lastUsedAt ?? 0, touchedAt.get(keyId) ?? 0);
  if (now - last < LAST_USED_RESOLUTION_SECONDS) return;
  if (touchedAt.size > 10_000) touchedAt.clear();
  touchedAt.set(keyId, now);
  const write = touchApiKey(withAccount(systemCtx(c.env), { id: accountId }), keyId, now).catch((err) =>
    requestLog(c).error('last_used_at write failed', { error: err }),
  );
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    // No execution context (a direct app.request in a unit test): the promise still runs.
  }
}

async function authenticate(c: Context<AppEnv>, opts: { clerk: boolean }) {
  const token = bearerToken(c);
  const cookie = opts.clerk && !token ? getCookie(c, SESSION_COOKIE) : undefined;
  if (cookie) return authenticateSession(c, cookie);
  if (!token) throw unauthorized('Missing API key: send Authorization: Bearer <key>');
  const ctx = systemCtx(c.env, { request_id: c.get('requestId') });
  if (token.startsWith('sk_')) {
    const found = await accountForApiKey(ctx, token);
    if (!found) throw unauthorized('Invalid API key');
    c.set('auth', { account: found.account, via: 'api_key', apiKeyId: found.keyId, scopes: found.scopes });
    touchLater(c, found.account.id, found.keyId, found.lastUsedAt);
  } else if (opts.clerk && looksLikeJwt(token)) {
    const found = await accountForClerkToken(ctx, token);
    if (!found) throw unauthorized('Invalid, expired or unlinked session token');
    c.set('auth', { account: found.account, via: 'clerk', clerkUserId: found.userId, scopes: found.scopes });
  } else {
    throw unauthorized('Invalid API key');
  }
  const accountId = c.get('auth')!.account.id;
  c.set('accountId', accountId);
  await placementOf(c.env, accountId); // memory after the first request: ctxOf opens the session on the shard
}

async function authenticateSession(c: Context<AppEnv>, cookie: string) {
  const csrf = c.req.header(CSRF_HEADER);
  if (!csrf) throw forbidden(`A dashboard session must send its CSRF token in ${CSRF_HEADER}`);
  const session = await readSession(systemCtx(c.env), cookie);
  if (!session) throw unauthorized('Session expired or signed out: sign in again');
  if (!timingSafeEqual(csrf, session.csrf)) throw forbidden(`Wrong ${CSRF_HEADER} for this session`);
  c.set('auth', {
    account: session.account,
    via: 'session',
    apiKeyId: session.keyId ?? undefined,
    scopes: session.scopes,
  });
  c.set('accountId', session.account.id);
  await placementOf(c.env, session.account.id);
}

/** The operator surface. Without ADMIN_TOKEN configured it does not exist (404). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw notFound('route');
  const token = bearerToken(c);
  if (!token || !timingSafeEqual(token, expected))
    throw new DomainError('unauthorized', 'Invalid admin token', undefined, await countAnonymous(c));
  await next();
};

/**
 * Who is acting, for `recordAudit` (services/audit.ts). A route asking for it records its own entry, so
 * the generic trail (middleware/audit-trail.ts) does not add a second one.
 */
export function auditContext(c: Context<AppEnv>, accountId?: string): AuditContext {
  c.set('audited', true);
  const auth = c.get('auth');
  const actor = !auth
    ? { type: 'admin' as const, id: null }
    : auth.via === 'clerk'
      ? { type: 'clerk' as const, id: auth.clerkUserId ?? null }
      : { type: 'api_key' as const, id: auth.apiKeyId ?? null };
  const id = accountId ?? auth?.account.id;
  if (!id) throw unauthorized();
  return { db: accountDb(c.env, id), accountId: id, actor, requestId: c.get('requestId') ?? null };
}

export function authOf(c: Context<AppEnv>) {
  const auth = c.get('auth');
  if (!auth) throw unauthorized();
  return auth;
}

const contexts = new WeakMap<Context<AppEnv>, AccountCtx>();
/**
 * The request's service context, built once: bindings, D1, a logger with the request and account ids.
 * Its D1 handle is the account's shard (db/shards.ts), in the request's D1 session
 * (middleware/d1-session.ts) when the surface opened one.
 */
export function ctxOf(c: Context<AppEnv>): AccountCtx {
  let ctx = contexts.get(c);
  if (!ctx) {
    const account = authOf(c).account;
    ctx = withAccount(systemCtx(c.env, { request_id: c.get('requestId') }), account);
    const constraint = c.get('d1Constraint');
    const shard = cachedPlacement(account.id); // known: authenticate resolved it
    if (constraint && shard) {
      const { session, db } = getSessionDb(shardD1(c.env, shard), constraint);
      c.set('d1Session', session);
      ctx = { ...ctx, db };
    }
    contexts.set(c, ctx);
  }
  return ctx;
}
