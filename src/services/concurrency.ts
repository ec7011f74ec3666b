import { rateLimited } from '../lib/errors';
import { limiterFor } from '../durable-objects/stubs';
import { effectiveLimits } from './limits';
import type { AccountCtx } from './context';

/** A lease outlives the longest possible call by a minute, so a lost end event cannot leak a slot. */
export const leaseTtlMs = (maxDurationSeconds: number) => (maxDurationSeconds + 60) * 1000;

/**
 * Takes a slot for `callId` or throws 429 naming the cap. If the limiter cannot be reached we refuse
 * (fail closed): going over a concurrency cap costs the customer money, a retry costs them a second.
 */
export async function acquireCallSlot(
  ctx: AccountCtx<'id' | 'plan' | 'limits'>,
  callId: string,
  maxDuration: number,
) {
  const { env, account } = ctx;
  const cap = effectiveLimits(account).concurrent_calls;
  let decision: Awaited<ReturnType<ReturnType<typeof limiterFor>['acquire']>>;
  try {
    decision = await limiterFor(env, account.id).acquire(callId, cap, leaseTtlMs(maxDuration));
  } catch (err) {
    ctx.log.error('concurrency limiter unreachable; refusing the call', {
      error: String(err),
    });
    throw rateLimited('Concurrency could not be checked right now; retry shortly', 1);
  }
  if (!decision.acquired) {
    throw rateLimited(
      `Concurrent call limit reached: ${decision.held} of ${cap} calls are live on the ${account.plan} plan. Retry after ${decision.retryAfter} s`,
      decision.retryAfter,
    );
  }
}

/** Gives the slot back; harmless when it was already released or expired. */
export async function releaseCallSlot(ctx: AccountCtx<'id'>, callId: string) {
  const { env } = ctx;
  const accountId = ctx.account.id;
  try {
    await limiterFor(env, accountId).release(callId);
  } catch (err) {
    // The lease expires on its own at max_duration + 60 s.
    ctx.log.warn('could not release a call slot; it will expire', {
      call_id: callId,
      error: String(err),
    });
  }
}
