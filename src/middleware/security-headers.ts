import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env';

const HSTS = 'max-age=63072000; includeSubDomains';

/** Public, secret-free documents that caches may keep. */
const CACHEABLE = new Set(['/healthz', '/openapi.json', '/docs']);

/**
 * Headers every answer carries: `nosniff` always, HSTS when the request came over https, and
 * `Cache-Control: no-store` on every API answer (as Stripe does): key creation, webhook secrets and
 * admin answers carry secrets, and a blanket rule cannot be forgotten by the next route that adds one.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set('X-Content-Type-Options', 'nosniff');
  const proto = c.req.header('X-Forwarded-Proto') ?? new URL(c.req.url).protocol.replace(':', '');
  if (proto === 'https') h.set('Strict-Transport-Security', HSTS);
  if (!CACHEABLE.has(c.req.path) && !h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
};

const corsByList = new Map<string, MiddlewareHandler>();

/**
 * CORS is an explicit allow-list (`CORS_ALLOWED_ORIGINS`, comma-separated exact origins). Unset = no
 * CORS headers at all: the dashboard is same-origin, and browsers then refuse cross-origin reads.
 */
export const corsPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  const list = (c.env.CORS_ALLOWED_ORIGINS ?? '').trim();
  if (!list) return next();
  let mw = corsByList.get(list);
  if (!mw) {
    const origins = list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    mw = cors({
      origin: (origin) => (origins.includes(origin) ? origin : null),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-D1-Bookmark'],
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      exposeHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-D1-Bookmark'],
      maxAge: 600,
    });
    corsByList.set(list, mw);
  }
  return mw(c, next);
};
