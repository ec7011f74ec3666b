// The cron watchdog (issue #12, README "Reliability"): Durable Objects normally finish their own work
// from alarms, but if D1 or the limiter stays down longer than the platform retries an alarm, the alarm
// is gone and the object sleeps with work left. Every cron run wakes such objects; each wake-up is
// idempotent (CallSession.wake, BatchDispatcher.wake, RtbExchange.wake), so waking too often is harmless.
import { and, eq, inArray, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import { batches, calls, rtbEndpoints } from '../db/schema';
import { TERMINAL_STATUSES } from '../db/types';
import { dispatcherFor, exchangeFor, sessionFor } from '../durable-objects/stubs';
import { logger } from '../lib/log';
import { nowSeconds } from '../lib/time';
import type { Ctx } from './context';

const PER_RUN = 200;

function seconds(v: string | undefined, fallback: number) {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export async function wakeStalled(ctx: Ctx, publicBaseUrl = ctx.env.PUBLIC_BASE_URL ?? '') {
  const { env, db } = ctx;
  const now = nowSeconds();
  // A call is stalled once it outlived max_duration by the margin; one not yet answered, once it has
  // not changed for that long (dialling and ringing take seconds, not minutes).
  const margin = seconds(env.WATCHDOG_MARGIN_SECONDS, 120);
  const log = logger(env);
  const stalledCalls = await db
    .select({
      id: calls.id,
      accountId: calls.accountId,
      provider: calls.provider,
      direction: calls.direction,
      maxDuration: calls.maxDuration,
      batchId: calls.batchId,
    })
    .from(calls)
    .where(
      and(
        notInArray(calls.status, [...TERMINAL_STATUSES]),
        or(
          and(
            ne(calls.status, 'scheduled'),
            sql`${calls.createdAt} + ${calls.maxDuration} + ${margin} < ${now}`,
          ),
          and(inArray(calls.status, ['queued', 'initiated', 'ringing']), lt(calls.updatedAt, now - margin)),
          // A scheduled call (quiet hours, a redial) whose time passed: its alarm may have been lost.
          and(eq(calls.status, 'scheduled'), lt(calls.scheduledAt, now - margin)),
        ),
      ),
    )
    .limit(PER_RUN);
  let woken = 0;
  for (const c of stalledCalls) {
    try {
      await sessionFor(env, c.id).wake(
        {
          callId: c.id,
          accountId: c.accountId,
          provider: c.provider,
          direction: c.direction,
          maxDuration: c.maxDuration,
          publicBaseUrl,
          batchId: c.batchId ?? undefined,
        },
        margin * 1000,
      );
      woken++;
    } catch (err) {
      log.warn('watchdog could not wake a call', { call_id: c.id, error: String(err) });
    }
  }

  const liveBatches = await db
    .select({ id: batches.id })
    .from(batches)
    .where(and(inArray(batches.status, ['scheduled', 'running']), lt(batches.updatedAt, now - margin)))
    .limit(PER_RUN);
  for (const b of liveBatches)
    await dispatcherFor(env, b.id)
      .wake()
      .catch((err) => log.warn('watchdog could not wake a batch', { batch_id: b.id, error: String(err) }));

  const exchanges = await db.selectDistinct({ accountId: rtbEndpoints.accountId }).from(rtbEndpoints);
  for (const x of exchanges)
    await exchangeFor(env, x.accountId)
      .wake()
      .catch((err) =>
        log.warn('watchdog could not wake an exchange', { account_id: x.accountId, error: String(err) }),
      );
  return { calls: woken, batches: liveBatches.length, exchanges: exchanges.length };
}
