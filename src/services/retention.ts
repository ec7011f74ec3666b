// Retention (issue #15, README "Retention and account deletion"): how long each kind of account data
// is kept, per account, and the cron purge that enforces it in bounded batches, so one cron run stays
// far inside D1's per-invocation limits however much has piled up; the rest goes on the next run.
import { eq } from 'drizzle-orm';
import { accounts, type RetentionOverrides } from '../db/schema';
import { notFound } from '../lib/errors';
import { nowSeconds } from '../lib/time';
import type { AccountCtx, Ctx } from './context';
import { withAccount } from './context';

export const RETENTION_KINDS = [
  'events_days',
  'webhook_deliveries_days',
  'rtb_bids_days',
  'calls_days',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type Retention = Record<RetentionKind, number | null>;

/** Defaults: events, deliveries and their attempts 30 days; RTB bids 90 days; calls kept. */
export const RETENTION_DEFAULTS: Retention = {
  events_days: 30,
  webhook_deliveries_days: 30,
  rtb_bids_days: 90,
  calls_days: null,
};

/** Rows deleted per table per cron run, across all accounts (RETENTION_BATCH overrides it). */
export const RETENTION_BATCH = 1000;
const DAY = 86_400;

export function effectiveRetention(overrides: RetentionOverrides | null | undefined): Retention {
  return { ...RETENTION_DEFAULTS, ...(overrides ?? {}) };
}

export async function getRetention(ctx: AccountCtx<'id'>): Promise<Retention> {
  const row = await ctx.db
    .select({ retention: accounts.retention })
    .from(accounts)
    .where(eq(accounts.id, ctx.account.id))
    .get();
  if (!row) throw notFound('account', 'id');
  return effectiveRetention(row.retention);
}

/** Merges `patch` into the account's overrides; returns the effective settings before and after. */
export async function updateRetention(ctx: AccountCtx<'id'>, patch: RetentionOverrides) {
  const row = await ctx.db
    .select({ retention: accounts.retention })
    .from(accounts)
    .where(eq(accounts.id, ctx.account.id))
    .get();
  if (!row) throw notFound('account', 'id');
  const next = { ...(row.retention ?? {}), ...patch };
  await ctx.db.update(accounts).set({ retention: next }).where(eq(accounts.id, ctx.account.id));
  return { before: effectiveRetention(row.retention), after: effectiveRetention(next) };
}

/** The cron's one cross-account scan: every account's id and overrides on ctx's shard (the cron runs per shard). */
export async function accountsForRetention(ctx: Ctx) {
  return ctx.db.select({ id: accounts.id, retention: accounts.retention }).from(accounts).all();
}

export interface PurgeReport {
  events: number;
  deliveries: number;
  delivery_attempts: number;
  rtb_bids: number;
  calls: number;
}

const changes = (r: unknown) => (r as { meta?: { changes?: number } }).meta?.changes ?? 0;

/**
 * Deletes what retention says is old, at most `budget` rows per table per run (attempts follow their
 * deliveries, ≤ 8 each). Pending deliveries, and events that still have one, are never deleted.
 */
export async function purgeExpired(ctx: Ctx, now = nowSeconds()): Promise<PurgeReport> {
  const budget = Number(ctx.env.RETENTION_BATCH) > 0 ? Number(ctx.env.RETENTION_BATCH) : RETENTION_BATCH;
  const left = { events: budget, deliveries: budget, rtb_bids: budget, calls: budget };
  const report: PurgeReport = { events: 0, deliveries: 0, delivery_attempts: 0, rtb_bids: 0, calls: 0 };
  for (const a of await accountsForRetention(ctx)) {
    if (!left.events && !left.deliveries && !left.rtb_bids && !left.calls) break;
    const r = effectiveRetention(a.retention);
    const actx = withAccount(ctx, { id: a.id });
    if (r.webhook_deliveries_days !== null && left.deliveries > 0) {
      const n = await purgeDeliveries(actx, now - r.webhook_deliveries_days * DAY, left.deliveries);
      left.deliveries -= n.deliveries;
      report.deliveries += n.deliveries;
      report.delivery_attempts += n.attempts;
    }
    if (r.events_days !== null && left.events > 0) {
      const n = await purgeEvents(actx, (now - r.events_days * DAY) * 1000, left.events);
      left.events -= n.events;
      report.events += n.events;
      report.deliveries += n.deliveries;
      report.delivery_attempts += n.attempts;
    }
    if (r.rtb_bids_days !== null && left.rtb_bids > 0) {
      const n = await purgeRows(actx, 'rtb_bids', now - r.rtb_bids_days * DAY, left.rtb_bids);
      left.rtb_bids -= n;
      report.rtb_bids += n;
    }
    if (r.calls_days !== null && left.calls > 0) {
      const n = await purgeCalls(actx, now - r.calls_days * DAY, left.calls);
      left.calls -= n;
      report.calls += n;
    }
  }
  if (report.events + report.deliveries + report.rtb_bids + report.calls > 0)
    ctx.log.info('retention purge', { ...report });
  return report;
}

/** Runs statements in one D1 batch (one transaction); returns the rows each changed. */
async function inOneBatch(ctx: AccountCtx<'id'>, statements: Array<[string, unknown[]]>) {
  const d1 = ctx.db.$client;
  const results = await d1.batch(statements.map(([text, binds]) => d1.prepare(text).bind(...binds)));
  return results.map(changes);
}

const TERMINAL = "('completed', 'busy', 'no_answer', 'failed', 'canceled')";

/** Finished deliveries created before `before` (seconds), with their attempts, in one transaction. */
async function purgeDeliveries(ctx: AccountCtx<'id'>, before: number, limit: number) {
  const pick = `SELECT id FROM deliveries WHERE account_id = ?1 AND created_at < ?2
    AND status != 'pending' ORDER BY created_at, id LIMIT ?3`;
  const binds = [ctx.account.id, before, limit];
  const [attempts, deliveries] = await inOneBatch(ctx, [
    [`DELETE FROM delivery_attempts WHERE delivery_id IN (${pick})`, binds],
    [`DELETE FROM deliveries WHERE id IN (${pick})`, binds],
  ]);
  return { attempts, deliveries };
}

/** Events created before `beforeMs` with no pending delivery, with their deliveries and attempts. */
async function purgeEvents(ctx: AccountCtx<'id'>, beforeMs: number, limit: number) {
  const pick = `SELECT e.id FROM events e WHERE e.account_id = ?1 AND e.created_at_ms < ?2
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
    ORDER BY e.created_at_ms, e.id LIMIT ?3`;
  const binds = [ctx.account.id, beforeMs, limit];
  const [attempts, deliveries, events] = await inOneBatch(ctx, [
    [
      `DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id IN (${pick}))`,
      binds,
    ],
    [`DELETE FROM deliveries WHERE event_id IN (${pick})`, binds],
    [`DELETE FROM events WHERE id IN (${pick})`, binds],
  ]);
  return { attempts, deliveries, events };
}

async function purgeRows(ctx: AccountCtx<'id'>, table: 'rtb_bids', before: number, limit: number) {
  const [n] = await inOneBatch(ctx, [
    [
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table}
        WHERE account_id = ?1 AND created_at < ?2 ORDER BY created_at LIMIT ?3)`,
      [ctx.account.id, before, limit],
    ],
  ]);
  return n;
}

/** Ended calls created before `before` (live calls are never purged), with their simulator dial records. */
async function purgeCalls(ctx: AccountCtx<'id'>, before: number, limit: number) {
  const pick = `SELECT id FROM calls WHERE account_id = ?1 AND created_at < ?2
    AND status IN ${TERMINAL} ORDER BY created_at, id LIMIT ?3`;
  const binds = [ctx.account.id, before, limit];
  const [, n] = await inOneBatch(ctx, [
    [`DELETE FROM simulator_dials WHERE call_id IN (${pick})`, binds],
    [`DELETE FROM calls WHERE id IN (${pick})`, binds],
  ]);
  return n;
}
