// One delivery attempt (README "Webhooks"): signed POST, 15 s timeout, no redirects, retry schedule with jitter.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { deliveries, deliveryAttempts, events, webhookEndpoints } from '../db/schema';
import { newId } from '../lib/ids';
import { webhookHeaders } from '../lib/webhook-signature';
import { checkDestination } from '../lib/url-guard';
import { resolverFor } from '../lib/dns';
import { nowSeconds } from '../lib/time';
import { enqueueDeliveries, envelope } from './events';
import { signingSecrets } from './webhook-endpoints';
import type { Ctx } from './context';

/** Seconds to wait after the 1st, 2nd, … failed attempt; after the last, the delivery is failed. */
export const RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const TIMEOUT_MS = 15_000;
export const DISABLE_AFTER_FAILING_MS = 5 * 86400_000;
const LOCK_MS = 30_000;
const MAX_QUEUE_DELAY_SECONDS = 43_200; // Cloudflare Queues' limit; longer waits are re-checked by the sweep

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped';

/** Retry-After as seconds or an HTTP date → milliseconds, or 0. */
export function retryAfterMs(value: string | null, now: number): number {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}

export function nextDelayMs(attempts: number, scale: number, random = Math.random, retryAfter = 0): number {
  const base = RETRY_SCHEDULE[attempts - 1] * 1000 * scale;
  const jittered = base * (0.8 + 0.4 * random());
  return Math.max(jittered, retryAfter);
}

export async function attemptDelivery(
  ctx: Ctx,
  deliveryId: string,
  now = Date.now(),
): Promise<DeliveryOutcome> {
  const { db } = ctx;
  const claimed = await claim(ctx, deliveryId, now);
  if (!claimed) return 'skipped';
  try {
    return await attemptClaimed(ctx, claimed, now);
  } catch (err) {
    // Let the queue's retry of this message claim it again at once instead of waiting out the lock.
    await db
      .update(deliveries)
      .set({ lockedUntil: null })
      .where(eq(deliveries.id, deliveryId))
      .catch(() => undefined);
    throw err;
  }
}

async function claim(ctx: Ctx, deliveryId: string, now: number) {
  const { db } = ctx;
  // Claim the delivery: duplicates of a queue message, or a message that arrives before its retry time, do nothing.
  const [delivery] = await db
    .update(deliveries)
    .set({ lockedUntil: now + LOCK_MS })
    .where(
      and(
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, 'pending'),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
        or(isNull(deliveries.nextAttemptAt), sql`${deliveries.nextAttemptAt} <= ${now + 1000}`),
      ),
    )
    .returning();
  return delivery ?? null;
}

async function attemptClaimed(
  ctx: Ctx,
  delivery: typeof deliveries.$inferSelect,
  now: number,
): Promise<DeliveryOutcome> {
  const { env, db } = ctx;
  const deliveryId = delivery.id;

  const [endpoint, event] = await Promise.all([
    db.query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, delivery.endpointId) }),
    db.query.events.findFirst({ where: eq(events.id, delivery.eventId) }),
  ]);
  if (!endpoint || !event || endpoint.status !== 'enabled' || endpoint.deletedAt) {
    await db
      .update(deliveries)
      .set({
        status: 'failed',
        lastError: 'endpoint disabled or deleted',
        completedAt: nowSeconds(),
        lockedUntil: null,
      })
      .where(eq(deliveries.id, deliveryId));
    return 'failed';
  }

  const body = JSON.stringify(envelope(event));
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'callplane-webhooks/1.0',
    ...(await webhookHeaders(signingSecrets(endpoint), event.id, nowSeconds(), body)),
  };
  const started = Date.now();
  let status: number | null = null,
    responseBody: string | null = null,
    error: string | null = null,
    retryAfter = 0;
  // DNS can change after registration (rebinding): the destination is checked again before each send.
  const dest = await checkDestination(
    endpoint.url,
    env.ALLOW_PRIVATE_WEBHOOK_URLS === 'true',
    resolverFor(env),
  );
  const refused = !dest.ok && dest.permanent;
  if (!dest.ok) error = `destination refused: ${dest.problem}`;
  else
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      retryAfter = retryAfterMs(res.headers.get('retry-after'), Date.now());
      responseBody = (await res.text().catch(() => '')).slice(0, 1024);
    } catch (err) {
      error =
        err instanceof Error && err.name === 'TimeoutError'
          ? `timed out after ${TIMEOUT_MS / 1000} s`
          : String(err).slice(0, 500);
    }
  const latencyMs = Date.now() - started;
  const attempts = delivery.attempts + 1;
  await db.insert(deliveryAttempts).values({
    id: newId('att'),
    deliveryId,
    attemptedAt: nowSeconds(),
    statusCode: status,
    latencyMs,
    responseBody,
    error,
  });

  const ok = status !== null && status >= 200 && status < 300;
  if (ok) {
    await db.batch([
      db
        .update(deliveries)
        .set({
          status: 'succeeded',
          attempts,
          lastStatusCode: status,
          lastError: null,
          completedAt: nowSeconds(),
          lockedUntil: null,
        })
        .where(eq(deliveries.id, deliveryId)),
      db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id)),
    ]);
    return 'succeeded';
  }
  const lastError =
    error ??
    (status !== null && status >= 300 && status < 400
      ? `redirect (${status}) not followed`
      : `HTTP ${status}`);
  if (status === 410 || refused) {
    await db.batch([
      db
        .update(deliveries)
        .set({
          status: 'failed',
          attempts,
          lastStatusCode: status,
          lastError,
          completedAt: nowSeconds(),
          lockedUntil: null,
        })
        .where(eq(deliveries.id, deliveryId)),
      db
        .update(webhookEndpoints)
        .set({
          status: 'disabled',
          disabledReason: refused ? lastError : 'endpoint answered 410 Gone',
          updatedAt: nowSeconds(),
        })
        .where(eq(webhookEndpoints.id, endpoint.id)),
    ]);
    return 'failed';
  }

  const failingSince = endpoint.failingSince ?? now;
  const disable = now - failingSince >= DISABLE_AFTER_FAILING_MS;
  const exhausted = attempts > RETRY_SCHEDULE.length;
  const scale = Number(env.WEBHOOK_RETRY_SCALE ?? '1') || 1;
  const delay = nextDelayMs(Math.min(attempts, RETRY_SCHEDULE.length), scale, Math.random, retryAfter);
  const final = exhausted || disable;
  await db.batch([
    db
      .update(deliveries)
      .set(
        final
          ? {
              status: 'failed',
              attempts,
              lastStatusCode: status,
              lastError,
              completedAt: nowSeconds(),
              lockedUntil: null,
            }
          : {
              attempts,
              lastStatusCode: status,
              lastError,
              nextAttemptAt: Date.now() + delay,
              lockedUntil: null,
            },
      )
      .where(eq(deliveries.id, deliveryId)),
    db
      .update(webhookEndpoints)
      .set(
        disable
          ? {
              failingSince,
              status: 'disabled',
              disabledReason: 'deliveries failed for 5 days',
              updatedAt: nowSeconds(),
            }
          : { failingSince },
      )
      .where(eq(webhookEndpoints.id, endpoint.id)),
  ]);
  if (final) return 'failed';
  // Rounded: a message up to 0.5 s early is still accepted by claim()'s 1 s tolerance.
  await enqueueDeliveries(ctx, [deliveryId], Math.min(MAX_QUEUE_DELAY_SECONDS, Math.round(delay / 1000)));
  return 'retrying';
}
