// Redial policies (README "Redials"): after a call ends busy, unanswered, on voicemail or failed, the policy
// of its batch (BatchDispatcher), or of the single call itself (here, from the ending call's CallSession
// outbox), places another attempt later. Each attempt is its own call, linked by `attempt` and
// `first_call_id`. Scheduled calls (redials and quiet-hours deferrals) wait in their own CallSession as a
// durable timer (storage + alarm, re-armed by the cron watchdog), never only in a Queue.
import { eq } from 'drizzle-orm';
import { accounts, calls, type RedialPolicy, type RedialRule } from '../db/schema';
import type { CallRow } from '../db/types';
import { sessionFor, limiterFor } from '../durable-objects/stubs';
import { hit } from '../lib/faults';
import { simulatorTimeScale } from '../providers/telephony';
import { leaseTtlMs } from './concurrency';
import type { AccountCtx } from './context';
import { emitEvent } from './events';
import { effectiveLimits, WINDOW_MS } from './limits';
import { mayDial } from './may-dial';
import { accountQuietHours, nextQuietOpening, recipientZones } from './quiet-hours';
import { presentCall } from './calls';

export type RedialOutcome = keyof RedialPolicy;
export const REDIAL_OUTCOMES = ['busy', 'no_answer', 'voicemail', 'failed'] as const;

/** The redial outcome of an ended call, or null (answered by a person, canceled, or still live). */
export function redialOutcome(c: Pick<CallRow, 'status' | 'endReason' | 'outcome'>): RedialOutcome | null {
  if (c.status === 'busy' || c.status === 'no_answer' || c.status === 'failed') return c.status;
  if (c.status === 'completed' && (c.endReason === 'voicemail' || c.outcome === 'voicemail'))
    return 'voicemail';
  return null;
}

/**
 * The rule that applies to the next attempt, or null when none is due. `attempts` counts attempts after the
 * first, whatever their outcomes: a call is redialled while `attempt - 1 < policy[its outcome].attempts`.
 */
export function redialRule(
  policy: RedialPolicy | null | undefined,
  c: Pick<CallRow, 'status' | 'endReason' | 'outcome' | 'attempt'>,
): RedialRule | null {
  const outcome = redialOutcome(c);
  const rule = outcome ? policy?.[outcome] : undefined;
  return rule && c.attempt - 1 < rule.attempts ? rule : null;
}

/** SQL-free description of the calls a policy may redial, for the dispatcher's D1 query. */
export function policyOutcomes(policy: RedialPolicy | null | undefined) {
  return REDIAL_OUTCOMES.filter((o) => policy?.[o]).map((o) => ({
    outcome: o,
    maxAttempt: policy![o]!.attempts,
  }));
}

/**
 * Runs from the ended call's CallSession outbox (so at least once, and `nextId` is fixed when the call
 * ended, so at most one redial): a single call with a policy gets its next attempt as a `scheduled` call,
 * at `ended_at + after_seconds` (later if quiet hours are closed then), and `call.redial_scheduled`.
 */
export async function scheduleSingleRedial(
  ctx: AccountCtx<'id'>,
  prevId: string,
  nextId: string,
  opts: { publicBaseUrl: string; faultCtx?: DurableObjectState },
) {
  const { db, env } = ctx;
  const prev = await db.query.calls.findFirst({ where: eq(calls.id, prevId) });
  if (!prev || prev.batchId || prev.direction !== 'outbound') return null;
  const rule = redialRule(prev.redial, prev);
  if (!rule) return null;
  let dueMs = (prev.nextAttemptAt ?? (prev.endedAt ?? prev.updatedAt) + rule.after_seconds) * 1000;
  const { quietHours, timezone } = await accountQuietHours(ctx);
  if (quietHours && !prev.nextAttemptAt) {
    const open = nextQuietOpening(quietHours, recipientZones(prev.toNumber, timezone), dueMs);
    if (open === null) return null;
    dueMs = open;
  }
  const at = Math.ceil(dueMs / 1000);
  const now = Math.floor(Date.now() / 1000);
  const row: CallRow = {
    ...prev,
    id: nextId,
    status: 'scheduled',
    endReason: null,
    providerCallId: null,
    createdAt: now,
    startedAt: null,
    answeredAt: null,
    endedAt: null,
    duration: null,
    transcript: null,
    summary: null,
    sentiment: null,
    outcome: null,
    analysis: null,
    recordingUrl: null,
    converted: false,
    payout: null,
    hangupBy: null,
    external: null,
    attempt: prev.attempt + 1,
    firstCallId: prev.firstCallId ?? prev.id,
    scheduledAt: at,
    nextAttemptAt: null,
    updatedAt: now,
  };
  // Every step is idempotent: a retried outbox effect finds the row, the mark and the session already there.
  await db.insert(calls).values(row).onConflictDoNothing();
  await db.update(calls).set({ nextAttemptAt: at }).where(eq(calls.id, prevId));
  await sessionFor(env, nextId).start({
    callId: nextId,
    accountId: prev.accountId,
    provider: prev.provider,
    direction: 'outbound',
    maxDuration: prev.maxDuration,
    publicBaseUrl: opts.publicBaseUrl,
    timeScale: prev.provider === 'simulator' ? simulatorTimeScale(env) : 1,
    scheduledAtMs: at * 1000,
  });
  await hit('redial-mid-schedule', opts.faultCtx);
  await emitEvent(
    ctx,
    'call.redial_scheduled',
    {
      call: presentCall({ ...prev, nextAttemptAt: at }),
      redial: { call_id: nextId, attempt: row.attempt, first_call_id: row.firstCallId, scheduled_at: at },
    },
    { dedupeKey: `${prevId}:call.redial_scheduled`, callId: prevId },
  );
  return row;
}

/**
 * A scheduled call's time has come: may it be dialled now? `dial` takes the concurrency slot and a `calls`
 * rate hit (released again if the rate is spent); `wait` retries later; `stop` ends it (suppressed number).
 */
export async function admitScheduledCall(
  ctx: AccountCtx<'id'>,
  callId: string,
): Promise<{ kind: 'dial' } | { kind: 'wait'; ms: number } | { kind: 'stop'; reason: string }> {
  const { db, env } = ctx;
  const call = await db.query.calls.findFirst({ where: eq(calls.id, callId) });
  const account = await db.query.accounts.findFirst({ where: eq(accounts.id, ctx.account.id) });
  if (!call || !account) return { kind: 'stop', reason: 'session_lost' };
  if (call.attempt > 1 && !(await mayDial(ctx, call.toNumber))) return { kind: 'stop', reason: 'suppressed' };
  const limits = effectiveLimits(account);
  const limiter = limiterFor(env, account.id);
  const lease = await limiter.acquire(callId, limits.concurrent_calls, leaseTtlMs(call.maxDuration));
  if (!lease.acquired) return { kind: 'wait', ms: Math.min(Math.max(lease.retryAfter, 1) * 1000, 5_000) };
  const rate = await limiter.hit('calls', limits.calls_per_minute, WINDOW_MS);
  if (!rate.allowed) {
    await limiter.release(callId);
    return { kind: 'wait', ms: Math.max(rate.retryAfter, 1) * 1000 };
  }
  return { kind: 'dial' };
}
