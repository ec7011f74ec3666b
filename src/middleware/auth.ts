import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { DomainError, forbidden, notFound, unauthorized } from '../lib/errors';
import { countAnonymous } from './rate-limit';
import { timingSafeEqual } from '../lib/crypto';
import { accountForApiKey } from '../services/api-keys';
import { accountForClerkToken, looksLikeJwt } from '../services/clerk';
import { systemCtx, withAccount, type AccountCtx } from '../services/context';
import { CSRF_HEADER, readSession, SESSION_COOKIE } from '../services/sessions';
import { getCookie } from 'hono/cookie';

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
    await next();
  };
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
    c.set('auth', { account: found.account, via: 'api_key', apiKeyId: found.keyId });
  } else if (opts.clerk && looksLikeJwt(token)) {
    const account = await accountForClerkToken(ctx, token);
    if (!account) throw unauthorized('Invalid, expired or unlinked session token');
    c.set('auth', { account, via: 'clerk' });
  } else {
    throw unauthorized('Invalid API key');
  }
  c.set('accountId', c.get('auth')!.account.id);
}

async function authenticateSession(c: Context<AppEnv>, cookie: string) {
  const csrf = c.req.header(CSRF_HEADER);
  if (!csrf) throw forbidden(`A dashboard session must send its CSRF token in ${CSRF_HEADER}`);
  const session = await readSession(systemCtx(c.env), cookie);
  if (!session) throw unauthorized('Session expired or signed out: sign in again');
  if (!timingSafeEqual(csrf, session.csrf)) throw forbidden(`Wrong ${CSRF_HEADER} for this session`);
  c.set('auth', { account: session.account, via: 'session', apiKeyId: session.keyId ?? undefined });
  c.set('accountId', session.account.id);
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

export function authOf(c: Context<AppEnv>) {
  const auth = c.get('auth');
  if (!auth) throw unauthorized();
  return auth;
}

const contexts = new WeakMap<Context<AppEnv>, AccountCtx>();
/** The request's service context, built once: bindings, D1, a logger with the request and account ids. */
export function ctxOf(c: Context<AppEnv>): AccountCtx {
  let ctx = contexts.get(c);
  if (!ctx) {
    const account = authOf(c).account;
    ctx = withAccount(systemCtx(c.env, { request_id: c.get('requestId') }), account);
    contexts.set(c, ctx);
  }
  return ctx;
}
