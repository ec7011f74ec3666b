import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { DomainError } from '../lib/errors';
import type { RateDecision } from '../durable-objects/account-limiter';
import { limiterFor } from '../durable-objects/stubs';
import { requestLog } from './request-context';
import { PermitLeases } from './permit-leases';
import {
  ANONYMOUS_PER_MINUTE,
  classify,
  effectiveLimits,
  limitFor,
  WINDOW_MS,
  type RateClass,
} from '../services/limits';

/**
 * Classes counted from permit leases (one limiter round trip per lease, not per request): the hot
 * authenticated reads and writes. `calls` stays one round trip per request (a call costs far more than
 * that, and its window is shared with the batch dispatcher and redials); `anonymous` too.
 */
export const LEASED_CLASSES: ReadonlySet<RateClass> = new Set(['api']);
const leasesByLimiter = new WeakMap<object, PermitLeases>();
/**
 * This isolate's leases from the limiter namespace `ns` (module scope: one set per isolate). A lease is
 * only spent against the namespace that granted it: a request served with another binding goes to it.
 */
export function leasesFor(ns: object): PermitLeases {
  let leases = leasesByLimiter.get(ns);
  if (!leases) leasesByLimiter.set(ns, (leases = new PermitLeases()));
  return leases;
}

export const clientIp = (c: Context) =>
  c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? 'unknown';

export function headersFor(cls: RateClass, d: RateDecision): Record<string, string> {
  const h: Record<string, string> = {
    'RateLimit-Policy': `"${cls}";q=${d.limit};w=${WINDOW_MS / 1000}`,
    RateLimit: `"${cls}";r=${d.remaining};t=${d.reset}`,
  };
  if (!d.allowed) h['Retry-After'] = String(d.retryAfter);
  return h;
}

/**
 * Counts one request against `cls` for `key`. Refusal throws 429 with Retry-After; success returns the
 * headers to put on the answer. If the limiter cannot be reached we fail open (a request-rate limit is a
 * guard against abuse, not a correctness rule) and log it; concurrency, which guards money, fails closed.
 */
export async function enforceRate(
  c: Context<AppEnv>,
  key: string,
  cls: RateClass,
  limit: number,
): Promise<Record<string, string>> {
  if (c.env.RATE_LIMITS === 'off') return {};
  let decision: RateDecision;
  try {
    decision = LEASED_CLASSES.has(cls)
      ? await leasesFor(c.env.ACCOUNT_LIMITER).spend(key, cls, limit, WINDOW_MS, () => limiterFor(c.env, key))
      : await limiterFor(c.env, key).hit(cls, limit, WINDOW_MS);
  } catch (err) {
    requestLog(c).warn('rate limiter unreachable; failing open', { error: String(err) });
    return {};
  }
  const headers = headersFor(cls, decision);
  if (!decision.allowed) {
    throw new DomainError(
      'rate_limited',
      `Rate limit exceeded: ${decision.limit} ${cls} requests per minute. Retry after ${decision.retryAfter} s`,
      undefined,
      headers,
    );
  }
  return headers;
}

/** Counts a request that carried no valid credential against its client IP (key guessing). */
export async function countAnonymous(c: Context<AppEnv>): Promise<Record<string, string>> {
  return enforceRate(c, `ip:${clientIp(c)}`, 'anonymous', ANONYMOUS_PER_MINUTE);
}

/** Runs after authentication: a limiter round trip per request or per lease, headers on every answer of a limited class. */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const cls = classify(c.req.method, c.req.path);
  if (!cls) return next();
  const auth = c.get('auth');
  const headers = auth
    ? await enforceRate(c, auth.account.id, cls, limitFor(cls, effectiveLimits(auth.account)))
    : await enforceRate(
        c,
        `operator:${clientIp(c)}`,
        cls,
        limitFor(cls, effectiveLimits({ plan: 'business', limits: {} })),
      );
  await next();
  for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
};
