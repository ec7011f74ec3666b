// Plans and request classes (README "Rate limits and concurrency"). The numbers live here; the counting lives in AccountLimiter.
import type { Account, LimitName, Plan } from '../db/types';

export type RateClass = 'calls' | 'api' | 'webhooks' | 'rtb' | 'reporting' | 'anonymous';
export type EffectiveLimits = Record<LimitName, number>;

const PLAN_CALLS: Record<
  Exclude<Plan, 'enterprise'>,
  { calls_per_minute: number; concurrent_calls: number }
> = {
  starter: { calls_per_minute: 10, concurrent_calls: 1 },
  growth: { calls_per_minute: 60, concurrent_calls: 3 },
  business: { calls_per_minute: 200, concurrent_calls: 10 },
};

const CLASS_DEFAULTS = {
  api_per_minute: 100,
  webhooks_per_minute: 1000,
  rtb_per_minute: 5000,
  reporting_per_minute: 100,
};
export const ANONYMOUS_PER_MINUTE = 100;
export const WINDOW_MS = 60_000;

/** The plan's figures with the account's overrides on top; enterprise without overrides gets business figures. */
export function effectiveLimits(account: Pick<Account, 'plan' | 'limits'>): EffectiveLimits {
  const plan = account.plan === 'enterprise' ? PLAN_CALLS.business : PLAN_CALLS[account.plan];
  return { ...CLASS_DEFAULTS, ...plan, ...(account.limits ?? {}) } as EffectiveLimits;
}

export function limitFor(cls: Exclude<RateClass, 'anonymous'>, limits: EffectiveLimits): number {
  return limits[`${cls}_per_minute` as LimitName];
}

/** Which class a request counts against, from its method and path. */
export function classify(method: string, path: string): Exclude<RateClass, 'anonymous'> | null {
  if (path === '/healthz' || path === '/openapi.json' || path === '/docs') return null;
  if (method === 'POST' && /^\/(v1\/calls?|api\/v1\/calls\/initiate|v1\/calls\/initiate)\/?$/.test(path))
    return 'calls';
  if (path.startsWith('/reporting_ai')) return 'reporting';
  if (path.startsWith('/inbound_rtb')) return 'rtb';
  if (path === '/call-data' || path.startsWith('/v2/webhooks')) return 'webhooks';
  if (path.startsWith('/v1/') || path.startsWith('/api/v1/') || path.startsWith('/admin')) return 'api';
  return null;
}
