// What the dashboard's Live page shows: the account's calls in progress (and those that ended in the last
// two minutes) with the events each has fired so far, so the 5/15/30/45/60 s marks appear as they fire.
import { and, desc, eq, gte, inArray, or } from 'drizzle-orm';
import { calls, events } from '../db/schema';
import { nowSeconds } from '../lib/time';
import { STATUS_GROUPS } from '../db/types';
import type { AccountCtx } from './context';

export const RECENTLY_ENDED_SECONDS = 120;

export async function liveCalls(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const rows = await db
    .select({
      id: calls.id,
      status: calls.status,
      direction: calls.direction,
      to_number: calls.toNumber,
      from_number: calls.fromNumber,
      agent_id: calls.agentId,
      created_at: calls.createdAt,
      answered_at: calls.answeredAt,
      ended_at: calls.endedAt,
      duration: calls.duration,
    })
    .from(calls)
    .where(
      and(
        eq(calls.accountId, accountId),
        or(
          inArray(calls.status, STATUS_GROUPS.active),
          gte(calls.endedAt, nowSeconds() - RECENTLY_ENDED_SECONDS),
        ),
      ),
    )
    .orderBy(desc(calls.createdAt))
    .limit(50);
  const fired = rows.length
    ? await db
        .select({ call_id: events.callId, type: events.type, created_at: events.createdAt })
        .from(events)
        .where(
          and(
            eq(events.accountId, accountId),
            inArray(
              events.callId,
              rows.map((r) => r.id),
            ),
          ),
        )
    : [];
  return {
    object: 'live_calls' as const,
    at: nowSeconds(),
    data: rows.map((r) => ({
      ...r,
      events: fired
        .filter((e) => e.call_id === r.id)
        .sort((a, b) => a.created_at - b.created_at)
        .map((e) => ({ type: e.type, created_at: e.created_at })),
    })),
  };
}
