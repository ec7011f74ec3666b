// Incoming webhooks (README "Incoming webhooks"): lead data from /call-data and call events from an external voice runtime.
import { and, eq, lt } from 'drizzle-orm';
import { callForRuntimeEvent } from '../db/hot-queries';
import type { Db } from '../db/client';
import { calls, ingestEvents } from '../db/schema';
import { notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import type { CallRow, CallStatus } from '../db/types';
import { sessionFor } from '../durable-objects/stubs';
import { upsertLead } from './leads';
import { reportsOptOut, suppressAutomatically } from './suppressions';
import type { AccountCtx, Ctx } from './context';

const DEDUPE_SECONDS = 7 * 86400;

/**
 * Runs `apply` unless this (account, source, key) was applied before. The key is recorded first, and
 * removed again if applying fails, so a retry of a failed delivery is not mistaken for a replay.
 */
export async function once<T>(
  db: Db,
  accountId: string,
  source: string,
  key: string,
  apply: () => Promise<T>,
): Promise<{ replayed: boolean; result?: T }> {
  const [fresh] = await db
    .insert(ingestEvents)
    .values({ accountId, source, key, createdAt: nowSeconds() })
    .onConflictDoNothing()
    .returning({ key: ingestEvents.key });
  if (!fresh) return { replayed: true };
  try {
    return { replayed: false, result: await apply() };
  } catch (err) {
    await db
      .delete(ingestEvents)
      .where(
        and(
          eq(ingestEvents.accountId, accountId),
          eq(ingestEvents.source, source),
          eq(ingestEvents.key, key),
        ),
      );
    throw err;
  }
}

export async function purgeOldIngestKeys(ctx: Ctx) {
  const { db } = ctx;
  await db.delete(ingestEvents).where(lt(ingestEvents.createdAt, nowSeconds() - DEDUPE_SECONDS));
}

export async function ingestLead(
  ctx: AccountCtx,
  dedupeKey: string | undefined,
  phone: string,
  fields: Record<string, unknown>,
) {
  const { db, account } = ctx;
  if (!dedupeKey) return { replayed: false, result: await upsertLead(ctx, phone, fields) };
  return once(db, account.id, 'call-data', dedupeKey, () => upsertLead(ctx, phone, fields));
}

/** Miraiminds' status words → callplane's. */
export function runtimeStatus(status: string | undefined, type: string): CallStatus | null {
  const word = (status ?? type.replace(/^call\./, '')).toLowerCase().replace(/[\s-]/g, '_');
  const map: Record<string, CallStatus> = {
    initiate: 'initiated',
    initiated: 'initiated',
    queued: 'queued',
    ringing: 'ringing',
    in_progress: 'in_progress',
    connected: 'in_progress',
    answered: 'in_progress',
    ongoing: 'in_progress',
    started: 'in_progress',
    completed: 'completed',
    ended: 'completed',
    finished: 'completed',
    hangup: 'completed',
    failed: 'failed',
    error: 'failed',
    busy: 'busy',
    no_answer: 'no_answer',
    unanswered: 'no_answer',
    canceled: 'canceled',
    cancelled: 'canceled',
  };
  return map[word] ?? null;
}

export interface RuntimeEvent {
  type: string;
  call: {
    id: string;
    status?: string;
    startedAt?: number | null;
    endedAt?: number | null;
    recordingUrl?: string | null;
    detailUrl?: string | null;
    durationSeconds?: number | null;
  };
  analysis?: {
    success?: boolean | null;
    summary?: string | null;
    requiredActions?: string[] | null;
    insights?: Record<string, unknown> | null;
  } | null;
  credits?: Record<string, unknown> | null;
  report?: Record<string, unknown> | null;
}

const FIRST_STATUSES: CallStatus[] = ['queued', 'initiated', 'ringing'];

/**
 * Applies a runtime's call event: data fields first (so call.completed carries them), then the status
 * through the call's CallSession, which ignores anything late or repeated. An unknown call is 404, except
 * that a call's first event (initiate/ringing) registers it as an external call of this account.
 */
export async function applyRuntimeEvent(
  ctx: AccountCtx,
  ev: RuntimeEvent,
  dedupeKey: string,
  publicBaseUrl: string,
) {
  const { env, db, account } = ctx;
  const status = runtimeStatus(ev.call.status, ev.type);
  let call = await callForRuntimeEvent(db, account.id, ev.call.id);
  if (!call && !(status && FIRST_STATUSES.includes(status))) throw notFound('call', 'event.data.call.id');

  return once(db, account.id, 'call-events', dedupeKey, async () => {
    if (!call) call = await registerExternalCall(ctx, ev.call.id, publicBaseUrl, ev.call.startedAt);
    const set: Partial<CallRow> = { updatedAt: nowSeconds() };
    if (ev.call.recordingUrl) set.recordingUrl = ev.call.recordingUrl;
    if (ev.analysis) {
      const a = ev.analysis;
      if (typeof a.summary === 'string') set.summary = a.summary;
      set.analysis = {
        ...(call.analysis ?? {}),
        ...(a.success !== undefined && a.success !== null ? { success: a.success } : {}),
        ...(a.requiredActions ? { required_actions: a.requiredActions } : {}),
        ...(a.insights ? { insights: a.insights } : {}),
      };
    }
    if (ev.credits || ev.report || ev.call.detailUrl) {
      set.external = {
        ...(call.external ?? {}),
        ...(ev.call.detailUrl ? { detail_url: ev.call.detailUrl } : {}),
        ...(ev.credits ? { credits: ev.credits } : {}),
        ...(ev.report ? { report: ev.report } : {}),
      };
    }
    await db.update(calls).set(set).where(eq(calls.id, call.id));
    // The runtime reports that the person asked not to be called again: suppress the number.
    if (call.direction === 'outbound' && set.analysis && reportsOptOut(null, set.analysis))
      await suppressAutomatically(ctx, call.toNumber, 'call', 'call_event');
    if (status) {
      // A runtime's clock (or a stale event) cannot put a call's start before its creation or its end
      // before its start: such times are clamped, not rejected (README "Reliability").
      const startedAt = clampTime(ev.call.startedAt, call.createdAt);
      const endedAt = clampTime(ev.call.endedAt, Math.max(call.startedAt ?? 0, startedAt ?? call.createdAt));
      await sessionFor(env, call.id).providerEvent({
        status,
        providerCallId: ev.call.id,
        startedAt,
        endedAt,
        duration: ev.call.durationSeconds ?? undefined,
        endReason: status === 'completed' ? 'completed' : status === 'in_progress' ? undefined : status,
      });
    }
    return call.id;
  });
}

const clampTime = (t: number | null | undefined, floor: number) =>
  t === null || t === undefined ? undefined : Math.max(t, floor);

async function registerExternalCall(
  ctx: AccountCtx,
  externalId: string,
  publicBaseUrl: string,
  startedAt: number | null | undefined,
): Promise<CallRow> {
  const { env, db, account } = ctx;
  // Registered when callplane first hears of it: created no later than the runtime says it started.
  const now = Math.min(nowSeconds(), startedAt ?? Number.POSITIVE_INFINITY);
  const row: CallRow = {
    id: newId('call'),
    accountId: account.id,
    agentId: null,
    batchId: null,
    direction: 'outbound',
    fromNumber: null,
    toNumber: 'unknown',
    status: 'queued',
    endReason: null,
    provider: 'external',
    providerCallId: externalId,
    maxDuration: 7200,
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
    variables: {},
    metadata: {},
    callerData: null,
    converted: false,
    payout: null,
    rtb: null,
    hangupBy: null,
    external: null,
    attempt: 1,
    firstCallId: null,
    redial: null,
    scheduledAt: null,
    nextAttemptAt: null,
    agentVersion: null,
    updatedAt: now,
  };
  await db.insert(calls).values(row);
  await sessionFor(env, row.id).start({
    callId: row.id,
    accountId: account.id,
    provider: 'external',
    direction: 'outbound',
    maxDuration: 7200,
    publicBaseUrl,
    timeScale: 1,
    dial: false,
  });
  return row;
}
