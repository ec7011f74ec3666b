import { and, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import { calls } from '../db/schema';
import { conflict, notFound, unprocessable } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { STATUS_GROUPS, TERMINAL_STATUSES, type CallRow, type CallStatus } from '../db/types';
import { sessionFor } from '../durable-objects/stubs';
import { findAgent, resolveAgentVersion } from './agents';
import { assertNotSuppressed } from './suppressions';
import { findLead } from './leads';
import { acquireCallSlot, releaseCallSlot } from './concurrency';
import { simulatorTimeScale } from '../providers/telephony';
import { paginate, type Page } from './pagination';
import { findOwnedNumber, type Provider } from './phone-numbers';
import type { AccountCtx } from './context';
import type { RedialPolicy } from '../db/schema';
import { quietHoursGate, type WhenClosed } from './quiet-hours';

export interface CreateCallInput {
  agent_id: string;
  recipient_phone: string;
  variables?: Record<string, unknown>;
  from_number?: string;
  max_duration?: number;
  metadata?: Record<string, unknown>;
  /** This call's redial policy (default: the agent's). Batch calls follow their batch's instead. */
  redial?: RedialPolicy;
  /** Outside the account's quiet hours: refuse (422) or schedule for the next open time. */
  when_closed?: WhenClosed;
  /** Use this version of the agent instead of its current one. */
  agent_version?: number;
}

export function presentCall(r: CallRow) {
  return {
    id: r.id,
    object: 'call' as const,
    agent_id: r.agentId,
    agent_version: r.agentVersion,
    batch_id: r.batchId,
    direction: r.direction,
    from_number: r.fromNumber,
    to_number: r.toNumber,
    recipient_phone: r.direction === 'outbound' ? r.toNumber : r.fromNumber,
    // The column is plain text; every write goes through the status machine in this file.
    status: r.status as CallStatus,
    end_reason: r.endReason,
    max_duration: r.maxDuration,
    created_at: r.createdAt,
    started_at: r.startedAt,
    answered_at: r.answeredAt,
    ended_at: r.endedAt,
    duration: r.duration,
    transcript: r.transcript ?? [],
    summary: r.summary,
    sentiment: r.sentiment,
    outcome: r.outcome,
    analysis: r.analysis,
    recording_url: r.recordingUrl,
    variables: r.variables,
    metadata: r.metadata,
    caller_data: r.callerData,
    converted: r.converted,
    payout: r.payout,
    rtb: r.rtb,
    provider: r.provider,
    hangup_by: r.hangupBy,
    external: r.external,
    attempt: r.attempt,
    first_call_id: r.firstCallId,
    scheduled_at: r.scheduledAt,
    next_attempt_at: r.nextAttemptAt,
  };
}

export interface CallContext {
  publicBaseUrl: string;
  batchId?: string /** A batch fixes its call ids up front, so a restarted dispatcher cannot dial twice. */;
  callId?: string;
  /** A batch redial: its attempt number and the recipient's first call. */
  attempt?: number;
  firstCallId?: string;
  /** The request field that carried the recipient, for errors about it (CallAI says `to_number`). */
  recipientParam?: string;
  /** The batch dispatcher checked the suppression list itself just before (and counts a hit its own way). */
  suppressionChecked?: boolean;
}

/** Checks the agent and caller id, takes a concurrency slot, records the call as `queued` and hands it to its CallSession. */
export async function createCall(ctx: AccountCtx, input: CreateCallInput, call: CallContext) {
  const { db, env, account } = ctx;
  const accountId = account.id;
  const agent = await findAgent(ctx, input.agent_id);
  if (!agent) throw notFound('agent', 'agent_id');
  if (agent.status !== 'active') throw unprocessable(`Agent ${agent.id} is not active`, 'agent_id');
  const version = await resolveAgentVersion(ctx, agent, input.agent_version);
  if (!call.suppressionChecked)
    await assertNotSuppressed(ctx, input.recipient_phone, 'call', call.recipientParam ?? 'recipient_phone');

  let fromNumber: string | null = null;
  let provider = (env.TELEPHONY_PROVIDER ?? 'simulator') as Provider;
  const owned = await findOwnedNumber(ctx, input.from_number);
  if (input.from_number && !owned)
    throw unprocessable(`from_number ${input.from_number} is not a number you own`, 'from_number');
  if (owned) {
    fromNumber = owned.number;
    provider = owned.provider;
  } else fromNumber = env.DEFAULT_FROM_NUMBER || null;

  const now = nowSeconds();
  const maxDuration = input.max_duration ?? agent.maxDuration;
  const lead = await findLead(ctx, input.recipient_phone);
  const id = call.callId ?? newId('call');
  // Quiet hours (services/quiet-hours.ts): a batch checks them itself before dialling.
  const scheduledAtMs = call.batchId
    ? null
    : await quietHoursGate(ctx, input.recipient_phone, input.when_closed);
  if (scheduledAtMs === null) await acquireCallSlot(ctx, id, maxDuration);
  const row: CallRow = {
    id,
    accountId,
    agentId: agent.id,
    batchId: call.batchId ?? null,
    direction: 'outbound',
    fromNumber,
    toNumber: input.recipient_phone,
    status: scheduledAtMs === null ? 'queued' : 'scheduled',
    endReason: null,
    provider,
    providerCallId: null,
    maxDuration,
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
    variables: input.variables ?? {},
    metadata: input.metadata ?? {},
    callerData: lead?.data ?? null,
    converted: false,
    payout: null,
    rtb: null,
    hangupBy: null,
    external: null,
    attempt: call.attempt ?? 1,
    firstCallId: call.firstCallId ?? null,
    redial: call.batchId ? null : (input.redial ?? agent.redial ?? null),
    scheduledAt: scheduledAtMs === null ? null : Math.ceil(scheduledAtMs / 1000),
    nextAttemptAt: null,
    agentVersion: version.version,
    updatedAt: now,
  };
  try {
    await db.insert(calls).values(row);
  } catch (err) {
    // A batch retrying a dial whose row was written before a crash: carry on to (idempotently) start its session.
    const placed =
      call.callId && (await db.query.calls.findFirst({ where: eq(calls.id, id), columns: { id: true } }));
    if (!placed) {
      await releaseCallSlot(ctx, id);
      throw err;
    }
  }
  try {
    await sessionFor(env, id).start({
      callId: id,
      accountId,
      provider,
      direction: 'outbound',
      maxDuration,
      publicBaseUrl: call.publicBaseUrl,
      batchId: call.batchId,
      timeScale: provider === 'simulator' ? simulatorTimeScale(env) : 1,
      ...(row.scheduledAt !== null ? { scheduledAtMs: row.scheduledAt * 1000 } : {}),
    });
  } catch (err) {
    await db
      .update(calls)
      .set({ status: 'failed', endReason: 'internal_error', endedAt: nowSeconds() })
      .where(eq(calls.id, id));
    await releaseCallSlot(ctx, id);
    throw err;
  }
  return row;
}

/**
 * `cancel` stops a call before it is answered; `end` hangs up a call at any live stage. Both go through the call's
 * CallSession, the one writer of its status, so they cannot race a provider callback.
 */
export async function stopCall(ctx: AccountCtx<'id'>, id: string, how: 'cancel' | 'end') {
  const { env } = ctx;
  const call = await getCall(ctx, id);
  if (TERMINAL_STATUSES.includes(call.status as CallStatus))
    throw conflict(`Call ${id} has already ended (${call.status})`, 'id');
  const session = sessionFor(env, id);
  const state = how === 'cancel' ? await session.cancel() : await session.hangup();
  if (!state) throw conflict(`Call ${id} is not managed by callplane and cannot be controlled`, 'id');
  if (how === 'cancel' && (state.status === 'in_progress' || state.status === 'completed')) {
    throw conflict(
      `Call ${id} is ${state.status}; only a call that has not been answered can be canceled — use /end to hang up`,
      'id',
    );
  }
  return getCall(ctx, id);
}

/** Records a conversion (once); `payout` defaults to none. */
export async function convertCall(ctx: AccountCtx<'id'>, id: string, payout: number | null) {
  const { env } = ctx;
  await getCall(ctx, id);
  const result = await sessionFor(env, id).convert(payout, 'api');
  if (!result.converted)
    throw conflict(`Call ${id} is not managed by callplane and cannot be converted`, 'id');
  return getCall(ctx, id);
}

export async function getCall(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.calls.findFirst({
    where: and(eq(calls.id, id), eq(calls.accountId, accountId)),
  });
  if (!row) throw notFound('call', 'id');
  return row;
}

export interface CallFilters extends Page {
  status?: string;
  agent_id?: string;
  batch_id?: string;
  direction?: 'inbound' | 'outbound';
  from?: number;
  to?: number;
}

export function listCalls(ctx: AccountCtx<'id'>, f: CallFilters) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const conds: (SQL | undefined)[] = [];
  if (f.status) {
    const group = STATUS_GROUPS[f.status];
    conds.push(group ? inArray(calls.status, group) : eq(calls.status, f.status));
  }
  if (f.agent_id) conds.push(eq(calls.agentId, f.agent_id));
  if (f.batch_id) conds.push(eq(calls.batchId, f.batch_id));
  if (f.direction) conds.push(eq(calls.direction, f.direction));
  if (f.from !== undefined) conds.push(gte(calls.createdAt, f.from));
  if (f.to !== undefined) conds.push(lte(calls.createdAt, f.to));
  return paginate(
    db,
    calls,
    { scope: eq(calls.accountId, accountId), where: and(...conds), order: [calls.createdAt, calls.id] },
    f,
    presentCall,
  );
}
