// Inbound calls: a call reaches a number some account owns (simulator or Twilio).
import { eq } from 'drizzle-orm';
import { accounts, agents, calls } from '../db/schema';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { simulatorTimeScale } from '../providers/telephony';
import { DEFAULT_TALK_SECONDS } from '../providers/telephony/simulator';
import type { ProviderEvent } from '../providers/telephony/types';
import type { CallRow } from '../db/types';
import { sessionFor } from '../durable-objects/stubs';
import { acquireCallSlot } from './concurrency';
import { findLead } from './leads';
import { matchInboundCall } from './rtb-match';
import { withAccount, type Ctx } from './context';
import { ownedNumber } from './number-directory';

export interface InboundInput {
  to: string;
  from: string;
  provider: 'simulator' | 'twilio';
  providerCallId?: string;
  publicBaseUrl: string;
  talkSeconds?: number;
  metadata?: Record<string, unknown>;
}

/**
 * Records an inbound call to an owned number, answered by the number's agent. Returns null when nobody
 * owns the number. Over the account's concurrency cap the call is recorded as `busy` (the caller hears busy).
 */
export async function receiveInboundCall(ctx: Ctx, input: InboundInput): Promise<CallRow | null> {
  const { env } = ctx;
  // The directory names the number's account; everything after is on that account's shard.
  const number = await ownedNumber(ctx, 'number', input.to);
  if (!number) return null;
  const { db } = withAccount(ctx, { id: number.accountId });
  const account = await db.query.accounts.findFirst({ where: eq(accounts.id, number.accountId) });
  if (!account) return null;
  const scoped = withAccount(ctx, account);
  const agent = number.agentId
    ? await db.query.agents.findFirst({ where: eq(agents.id, number.agentId) })
    : undefined;
  const now = nowSeconds();
  const id = newId('call');
  const maxDuration = agent?.maxDuration ?? 1800;
  let busy = false;
  try {
    await acquireCallSlot(scoped, id, maxDuration);
  } catch {
    busy = true;
  }
  const rtb = busy ? null : await matchInboundCall(scoped, input.to, input.from, id, number.rtbRouteId);
  const row: CallRow = {
    id,
    accountId: account.id,
    agentId: agent && !agent.deletedAt ? agent.id : null,
    batchId: null,
    direction: 'inbound',
    fromNumber: input.from,
    toNumber: input.to,
    status: busy ? 'busy' : 'ringing',
    endReason: busy ? 'concurrency_limit' : null,
    provider: input.provider,
    providerCallId: input.providerCallId ?? null,
    maxDuration,
    createdAt: now,
    startedAt: now,
    answeredAt: null,
    endedAt: busy ? now : null,
    duration: busy ? 0 : null,
    transcript: null,
    summary: null,
    sentiment: null,
    outcome: null,
    analysis: null,
    recordingUrl: null,
    variables: {},
    metadata: input.metadata ?? {},
    callerData: (await findLead(scoped, input.from))?.data ?? null,
    converted: false,
    payout: null,
    rtb: rtb as Record<string, unknown> | null,
    hangupBy: null,
    external: null,
    attempt: 1,
    firstCallId: null,
    redial: null,
    scheduledAt: null,
    nextAttemptAt: null,
    agentVersion: agent && !agent.deletedAt ? agent.version : null,
    updatedAt: now,
  };
  await db.insert(calls).values(row);
  if (busy) return row;

  const scale = input.provider === 'simulator' ? simulatorTimeScale(env) : 1;
  let script: Array<{ afterMs: number; event: ProviderEvent }> | undefined;
  if (input.provider === 'simulator') {
    const talk = Math.min(Math.max(input.talkSeconds ?? DEFAULT_TALK_SECONDS, 1), 7200);
    script = [
      { afterMs: Math.round(1000 * scale), event: { status: 'in_progress' } },
      {
        afterMs: Math.round((1 + talk) * 1000 * scale),
        event: { status: 'completed', hangupBy: 'customer', endReason: 'customer_hangup', duration: talk },
      },
    ];
  }
  await sessionFor(env, id).start({
    callId: id,
    accountId: account.id,
    provider: input.provider,
    direction: 'inbound',
    maxDuration,
    publicBaseUrl: input.publicBaseUrl,
    timeScale: scale,
    status: 'ringing',
    script,
    rtb: rtb ?? undefined,
    providerCallId: input.providerCallId,
  });
  return row;
}
