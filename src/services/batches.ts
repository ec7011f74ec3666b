// Batch campaigns (README "Batch campaigns"): validated all-or-nothing, stored in D1 (the summary) and in the batch's
// BatchDispatcher (the recipients), which dials them.
import { and, eq } from 'drizzle-orm';
import { batchCallCounts } from '../db/hot-queries';
import { batches, type RedialPolicy } from '../db/schema';
import { notFound, unprocessable } from '../lib/errors';
import { newId } from '../lib/ids';
import type { CallingWindow } from '../lib/calling-window';
import { timeZonesForNumber } from '../lib/phone-timezones';
import { nowSeconds } from '../lib/time';
import { dispatcherFor } from '../durable-objects/stubs';
import { findAgent, resolveAgentVersion } from './agents';
import { CALL_STATUSES } from '../db/types';
import { paginate, type Page } from './pagination';
import { findOwnedNumber } from './phone-numbers';
import type { AccountCtx } from './context';
import { yieldToIsolate } from '../lib/yield';

export interface BatchInput {
  agent_id: string;
  recipients: Array<{ phone: string; variables?: Record<string, unknown> }>;
  schedule_at?: number;
  from_number?: string;
  max_duration?: number;
  name?: string;
  calling_window?: CallingWindow;
  metadata?: Record<string, unknown>;
  /** Redials by outcome (default: the agent's policy). */
  redial?: RedialPolicy;
  agent_version?: number;
}

const STAGE_SLICE = 500;

export async function createBatch(ctx: AccountCtx, input: BatchInput, publicBaseUrl: string) {
  const { db, env, account } = ctx;
  const agent = await findAgent(ctx, input.agent_id);
  if (!agent) throw notFound('agent', 'agent_id');
  if (agent.status !== 'active') throw unprocessable(`Agent ${agent.id} is not active`, 'agent_id');
  // Fixed now: a batch without a pin keeps the version current at creation, whatever edits follow.
  const { version: agentVersion } = await resolveAgentVersion(ctx, agent, input.agent_version);
  if (input.from_number && !(await findOwnedNumber(ctx, input.from_number))) {
    throw unprocessable(`from_number ${input.from_number} is not a number you own`, 'from_number');
  }
  // Each phone is dialled once: the first occurrence (and its variables) wins.
  const seen = new Set<string>();
  const unique = input.recipients.filter((r) => !seen.has(r.phone) && seen.add(r.phone));
  const window = input.calling_window ?? null;
  const zonesFor = (phone: string) => {
    if (!window) return [];
    if (window.timezone === 'recipient') {
      const zones = timeZonesForNumber(phone);
      return zones.length ? zones : [account.timezone];
    }
    return [window.timezone ?? account.timezone];
  };

  const redial = input.redial ?? agent.redial ?? null;
  const now = nowSeconds();
  const id = newId('batch');
  const scheduleAt = input.schedule_at ?? null; // a past time means now
  await db.insert(batches).values({
    id,
    accountId: account.id,
    agentId: agent.id,
    name: input.name ?? null,
    status: 'scheduled',
    scheduleAt,
    fromNumber: input.from_number ?? null,
    maxDuration: input.max_duration ?? null,
    callingWindow: window as Record<string, unknown> | null,
    metadata: input.metadata ?? {},
    redial,
    totalRecipients: unique.length,
    duplicatesRemoved: input.recipients.length - unique.length,
    agentVersion,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  });
  const dispatcher = dispatcherFor(env, id);
  const staged = unique.map((r) => ({ phone: r.phone, variables: r.variables, zones: zonesFor(r.phone) }));
  try {
    // Large batches cross to the dispatcher in slices (each a short call), then one init makes them pending.
    for (let from = 0; from < staged.length; from += STAGE_SLICE) {
      if (from) await yieldToIsolate();
      await dispatcher.stage(from, staged.slice(from, from + STAGE_SLICE));
    }
    await dispatcher.init(
      {
        batchId: id,
        accountId: account.id,
        agentId: agent.id,
        agentVersion,
        fromNumber: input.from_number,
        maxDuration: input.max_duration,
        scheduleAtMs: (scheduleAt ?? 0) * 1000,
        window,
        metadata: input.metadata ?? {},
        publicBaseUrl,
        redial,
      },
      [],
    );
  } catch (err) {
    await db.delete(batches).where(eq(batches.id, id));
    throw err;
  }
  return {
    batch_id: id,
    status: 'scheduled',
    total_recipients: unique.length,
    duplicates_removed: input.recipients.length - unique.length,
    schedule_at: scheduleAt,
  };
}

/** The batch with counts: recipients not yet dialled, and the placed calls by status. */
export async function batchSummary(ctx: AccountCtx<'id'>, id: string) {
  const { db, env } = ctx;
  const accountId = ctx.account.id;
  const batch = await db.query.batches.findFirst({
    where: and(eq(batches.id, id), eq(batches.accountId, accountId)),
  });
  if (!batch) throw notFound('batch', 'id');
  const [recipientCounts, callRows] = await Promise.all([
    dispatcherFor(env, id).counts(),
    batchCallCounts(db, id),
  ]);
  const byStatus = Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of callRows) byStatus[row.status] = row.n;
  return {
    ...presentBatch(batch),
    counts: {
      pending: recipientCounts.pending + recipientCounts.dialing,
      not_dialed: recipientCounts.not_dialed,
      suppressed: recipientCounts.suppressed ?? 0,
      ...byStatus,
      canceled: byStatus.canceled + recipientCounts.canceled,
    },
  };
}

export function presentBatch(b: typeof batches.$inferSelect) {
  return {
    id: b.id,
    batch_id: b.id,
    object: 'batch' as const,
    name: b.name,
    agent_id: b.agentId,
    agent_version: b.agentVersion,
    status: b.status,
    schedule_at: b.scheduleAt,
    from_number: b.fromNumber,
    max_duration: b.maxDuration,
    calling_window: b.callingWindow as CallingWindow | null, // validated by routes/v1/batches.ts on create
    redial: b.redial ?? null,
    total_recipients: b.totalRecipients,
    duplicates_removed: b.duplicatesRemoved,
    created_at: b.createdAt,
    completed_at: b.completedAt,
  };
}

export function listBatches(ctx: AccountCtx<'id'>, page: Page) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return paginate(
    db,
    batches,
    { scope: eq(batches.accountId, accountId), order: [batches.createdAt, batches.id] },
    page,
    presentBatch,
  );
}

export async function cancelBatch(ctx: AccountCtx<'id'>, id: string) {
  const { db, env } = ctx;
  const accountId = ctx.account.id;
  const batch = await db.query.batches.findFirst({
    where: and(eq(batches.id, id), eq(batches.accountId, accountId)),
  });
  if (!batch) throw notFound('batch', 'id');
  if (batch.status === 'completed' || batch.status === 'canceled') return batchSummary(ctx, id);
  await db.update(batches).set({ status: 'canceled', updatedAt: nowSeconds() }).where(eq(batches.id, id));
  await dispatcherFor(env, id).cancel();
  return batchSummary(ctx, id);
}
