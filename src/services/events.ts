// Everything that happens becomes an event row first, then one delivery per matching endpoint, then a
// queue message carrying only the delivery id (README "Webhooks"). Losing the queue send is repaired by the sweep.
import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { deliveries, deliveryAttempts, events, webhookEndpoints } from '../db/schema';
import { notFound } from '../lib/errors';
import { hit } from '../lib/faults';
import { newId } from '../lib/ids';
import { logger } from '../lib/log';
import { paginate, type Page } from './pagination';
import type { AccountCtx, Ctx } from './context';

export const CALL_EVENT_TYPES = [
  'call.incoming',
  'call.connected',
  'call.on_5_secs_mark',
  'call.on_15_secs_mark',
  'call.on_30_secs_mark',
  'call.on_45_secs_mark',
  'call.on_60_secs_mark',
  'call.hangup',
  'call.converted',
  'call.completed',
  'call.failure',
  'call.redial_scheduled',
] as const;
export const MESSAGE_EVENT_TYPES = [
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.received',
] as const;
export const EVENT_TYPES = [
  ...CALL_EVENT_TYPES,
  ...MESSAGE_EVENT_TYPES,
  'batch.completed',
  'suppression.created',
  'webhook_endpoint.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EventRow = typeof events.$inferSelect;

export function envelope(e: Pick<EventRow, 'id' | 'type' | 'createdAt' | 'data'>) {
  // Stored types come only from emitEvent, whose `type` is an EventType.
  return { id: e.id, type: e.type as EventType, created_at: e.createdAt, data: e.data };
}

const subscribes = (endpointEvents: string[], type: string) =>
  endpointEvents.includes('*') || endpointEvents.includes(type) || type === 'webhook_endpoint.test';

/**
 * Records an event and its deliveries (one per matching endpoint) in one D1 batch, so a crash or a failed
 * statement can never leave an event without its deliveries; then queues them. With a `dedupeKey`,
 * emitting the same thing twice (a retried alarm, a repeated provider callback) records and sends it once.
 * A lost queue send is repaired by the cron sweep (sweepStuckDeliveries).
 */
export async function emitEvent(
  ctx: AccountCtx<'id'>,
  type: EventType,
  data: Record<string, unknown>,
  opts: { dedupeKey?: string; callId?: string; onlyEndpointId?: string } = {},
): Promise<EventRow | null> {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = Date.now();
  const row: EventRow = {
    id: newId('evt', now),
    accountId,
    type,
    dedupeKey: opts.dedupeKey ?? null,
    callId: opts.callId ?? null,
    data,
    createdAt: Math.floor(now / 1000),
    createdAtMs: now,
  };
  const rows = deliveryRows(row, await targetsFor(ctx, row, opts.onlyEndpointId));
  // Each delivery is written only if this very event row was (not when the dedupe key already existed).
  const [inserted] = await db.batch([
    db.insert(events).values(row).onConflictDoNothing().returning({ id: events.id }),
    ...rows.map((d) =>
      // Every column, in the table's order (drizzle lists them all in INSERT … SELECT).
      db.insert(deliveries).select(
        sql`SELECT ${d.id}, ${d.accountId}, ${d.eventId}, ${d.endpointId}, 'pending', 0, ${d.nextAttemptAt},
            NULL, NULL, NULL, ${d.createdAt}, NULL WHERE EXISTS (SELECT 1 FROM events WHERE id = ${row.id})`,
      ),
    ),
  ]);
  if (!inserted.length) return null;
  await hit('after-event-insert');
  await enqueueDeliveries(
    ctx,
    rows.map((r) => r.id),
  );
  return row;
}

/** Rows per INSERT … SELECT FROM json_each(?) of `eventStatements`: one bound parameter, well under D1's limits. */
const EVENT_CHUNK = 2_000;

/**
 * Many events of one type, and their deliveries, as statements for the caller's own D1 batch: a 1 000-entry
 * suppression batch is recorded by a handful of statements in the same transaction as its rows, instead of
 * 1 000 batches one after the other (which held the isolate, and /healthz, for 140 ms). Each item's event is
 * written only where `guard(item.guardId)` holds in that same transaction (the suppression row it reports was
 * inserted), and each delivery only where its event was (not when the dedupe key already existed). After the
 * batch commits, `enqueue(results)` sends the deliveries the batch created.
 */
export async function eventStatements(
  ctx: AccountCtx<'id'>,
  type: EventType,
  items: Array<{ data: Record<string, unknown>; dedupeKey?: string; guardId?: string }>,
  guard: (id: SQL) => SQL = () => sql`true`,
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const targets = items.length ? await targetsFor(ctx, { accountId, type } as EventRow) : [];
  const evs = items.map((it) => [
    newId('evt', now),
    it.dedupeKey ?? null,
    JSON.stringify(it.data),
    it.guardId ?? null,
  ]);
  const dels = evs.flatMap((e) => targets.map((t) => [newId('del', now), e[0], t.id]));
  const eventInserts = [];
  for (let i = 0; i < evs.length; i += EVENT_CHUNK) {
    const chunk = JSON.stringify(evs.slice(i, i + EVENT_CHUNK));
    eventInserts.push(
      // Every column, in the table's order (drizzle lists them all in INSERT … SELECT).
      db
        .insert(events)
        .select(
          sql`SELECT value ->> 0, ${accountId}, ${type}, value ->> 1, NULL, value ->> 2, ${seconds}, ${now}
              FROM json_each(${chunk}) WHERE ${guard(sql`value ->> 3`)}`,
        )
        .onConflictDoNothing()
        .returning({ id: events.id }),
    );
  }
  const deliveryInserts = [];
  for (let i = 0; i < dels.length; i += EVENT_CHUNK) {
    const chunk = JSON.stringify(dels.slice(i, i + EVENT_CHUNK));
    deliveryInserts.push(
      db
        .insert(deliveries)
        .select(
          sql`SELECT value ->> 0, ${accountId}, value ->> 1, value ->> 2, 'pending', 0, ${now}, NULL, NULL, NULL,
              ${seconds}, NULL FROM json_each(${chunk})
              WHERE EXISTS (SELECT 1 FROM events WHERE id = value ->> 1)`,
        )
        .returning({ id: deliveries.id }),
    );
  }
  return {
    statements: [...eventInserts, ...deliveryInserts] as const,
    /** Created events, given the results of `statements` (in order) from the committed batch. */
    created: (results: unknown[]) =>
      (results.slice(0, eventInserts.length) as Array<Array<{ id: string }>>).flat().length,
    /** Queues the deliveries the committed batch created. */
    enqueue: (results: unknown[]) =>
      enqueueDeliveries(
        ctx,
        (results.slice(eventInserts.length) as Array<Array<{ id: string }>>).flat().map((d) => d.id),
      ),
  };
}

/** The enabled endpoints of the event's account that subscribe to its type. */
async function targetsFor(ctx: Ctx, event: EventRow, onlyEndpointId?: string) {
  const { db } = ctx;
  const endpoints = await db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.accountId, event.accountId),
        eq(webhookEndpoints.status, 'enabled'),
        isNull(webhookEndpoints.deletedAt),
        onlyEndpointId ? eq(webhookEndpoints.id, onlyEndpointId) : undefined,
      ),
    );
  return endpoints.filter((e) => onlyEndpointId || subscribes(e.events, event.type));
}

function deliveryRows(event: EventRow, targets: Array<{ id: string }>) {
  const now = Date.now();
  return targets.map((t) => ({
    id: newId('del', now),
    accountId: event.accountId,
    eventId: event.id,
    endpointId: t.id,
    status: 'pending' as const,
    attempts: 0,
    nextAttemptAt: now,
    lockedUntil: null,
    lastStatusCode: null,
    lastError: null,
    createdAt: Math.floor(now / 1000),
    completedAt: null,
  }));
}

/** Deliveries for endpoints that should have an existing event but do not yet (see redeliverEvent). */
async function fanOut(ctx: Ctx, event: EventRow) {
  const { db } = ctx;
  const rows = deliveryRows(event, await targetsFor(ctx, event));
  if (!rows.length) return;
  const made = await db
    .insert(deliveries)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: deliveries.id });
  await enqueueDeliveries(
    ctx,
    made.map((r) => r.id),
  );
}

/** Sends delivery ids to the queue; if that fails the deliveries stay pending and the sweep picks them up. */
export async function enqueueDeliveries(ctx: Ctx, ids: string[], delaySeconds = 0) {
  const { env } = ctx;
  // The account names the consumer's shard (without it the consumer asks every shard).
  const account_id = (ctx as Partial<AccountCtx<'id'>>).account?.id;
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids
      .slice(i, i + 100)
      .map((id) => ({ body: { delivery_id: id, account_id }, ...(delaySeconds ? { delaySeconds } : {}) }));
    try {
      await env.EVENTS.sendBatch(chunk);
    } catch (err) {
      logger(env).warn('queue send failed; the sweep will retry', {
        error: String(err),
        count: chunk.length,
      });
    }
  }
}

/** Re-enqueues deliveries that are due but were never picked up (a lost queue send or a dead consumer). */
export async function sweepStuckDeliveries(ctx: Ctx, graceMs = 60_000) {
  const { db } = ctx;
  const now = Date.now();
  const stuck = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, 'pending'),
        lt(deliveries.nextAttemptAt, now - graceMs),
        sql`(${deliveries.lockedUntil} IS NULL OR ${deliveries.lockedUntil} < ${now})`,
      ),
    )
    .limit(1000);
  await enqueueDeliveries(
    ctx,
    stuck.map((s) => s.id),
  );
  return stuck.length;
}

export function presentEvent(e: EventRow) {
  return { ...envelope(e), object: 'event' as const };
}

export function listEvents(ctx: AccountCtx<'id'>, f: Page & { type?: string; call_id?: string }) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const where = and(
    f.type ? eq(events.type, f.type) : undefined,
    f.call_id ? eq(events.callId, f.call_id) : undefined,
  );
  // rowid breaks ties within a millisecond in insertion order (ids are random).
  const order: [typeof events.createdAtMs, SQL] = [events.createdAtMs, sql`${events}.rowid`];
  return paginate(db, events, { scope: eq(events.accountId, accountId), where, order }, f, presentEvent);
}

export async function getEvent(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const event = await db.query.events.findFirst({
    where: and(eq(events.id, id), eq(events.accountId, accountId)),
  });
  if (!event) throw notFound('event', 'id');
  const dels = await db.select().from(deliveries).where(eq(deliveries.eventId, id));
  const attempts = dels.length
    ? await db
        .select()
        .from(deliveryAttempts)
        .where(
          inArray(
            deliveryAttempts.deliveryId,
            dels.map((d) => d.id),
          ),
        )
        .orderBy(deliveryAttempts.attemptedAt)
    : [];
  return {
    ...presentEvent(event),
    deliveries: dels.map((d) => ({
      id: d.id,
      endpoint_id: d.endpointId,
      status: d.status,
      attempts: d.attempts,
      next_attempt_at: d.status === 'pending' && d.nextAttemptAt ? Math.floor(d.nextAttemptAt / 1000) : null,
      last_status_code: d.lastStatusCode,
      last_error: d.lastError,
      completed_at: d.completedAt,
      attempt_log: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          attempted_at: a.attemptedAt,
          status_code: a.statusCode,
          latency_ms: a.latencyMs,
          response_body: a.responseBody,
          error: a.error,
        })),
    })),
  };
}

/** Sends an event again to every endpoint that should have it (new attempts on the same deliveries). */
export async function redeliverEvent(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const event = await db.query.events.findFirst({
    where: and(eq(events.id, id), eq(events.accountId, accountId)),
  });
  if (!event) throw notFound('event', 'id');
  const existing = await db.select().from(deliveries).where(eq(deliveries.eventId, id));
  const ids = existing.map((d) => d.id);
  if (ids.length) {
    await db
      .update(deliveries)
      .set({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: Date.now(),
        completedAt: null,
        lockedUntil: null,
      })
      .where(inArray(deliveries.id, ids));
    await enqueueDeliveries(ctx, ids);
  }
  // Endpoints added since the event was recorded get it too.
  await fanOut(ctx, event);
  return getEvent(ctx, id);
}
