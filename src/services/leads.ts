// Lead data pushed before, during or after a call (README "Incoming webhooks"): one record per account and number.
import { and, desc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import { calls, leads } from '../db/schema';
import { hit } from '../lib/faults';
import { nowSeconds } from '../lib/time';
import type { CallStatus } from '../db/types';
import type { AccountCtx } from './context';

const LIVE: CallStatus[] = ['queued', 'initiated', 'ringing', 'in_progress'];
const RECENT_SECONDS = 24 * 3600;

export async function findLead(ctx: AccountCtx<'id'>, phone: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return (
    (await db.query.leads.findFirst({
      where: and(eq(leads.accountId, accountId), eq(leads.phone, phone)),
    })) ?? null
  );
}

/**
 * Upserts the lead and attaches it at once to the number's live calls and to its most recent call of
 * the last 24 h, so data pushed during or just after a call lands on it. Returns the merged record and
 * the calls it touched. The merge happens inside one SQL statement (json_patch, RFC 7396: later values
 * win, objects merge, a null removes the field), so concurrent posts for one caller never lose keys.
 */
export async function upsertLead(ctx: AccountCtx<'id'>, phone: string, data: Record<string, unknown>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = nowSeconds();
  await hit('lead-before-write');
  const patch = JSON.stringify(data);
  const [row] = await db
    .insert(leads)
    .values({ accountId, phone, data: sql`json_patch('{}', ${patch})`, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [leads.accountId, leads.phone],
      set: { data: sql`json_patch(${leads.data}, ${patch})`, updatedAt: now },
    })
    .returning({ data: leads.data });
  const merged = row?.data ?? {};

  // Outbound calls to the number and inbound calls from it.
  const candidates = await db
    .select({ id: calls.id, status: calls.status })
    .from(calls)
    .where(
      and(
        eq(calls.accountId, accountId),
        gte(calls.createdAt, now - RECENT_SECONDS),
        or(
          and(eq(calls.direction, 'outbound'), eq(calls.toNumber, phone)),
          and(eq(calls.direction, 'inbound'), eq(calls.fromNumber, phone)),
        ),
      ),
    )
    .orderBy(desc(calls.createdAt), desc(calls.id));
  const touched = new Set(candidates.filter((c) => LIVE.includes(c.status as CallStatus)).map((c) => c.id));
  if (candidates[0]) touched.add(candidates[0].id);
  // The calls get the lead as stored now (not this request's view of it), so the last writer is complete.
  if (touched.size)
    await db
      .update(calls)
      .set({
        callerData: sql`(SELECT ${leads.data} FROM ${leads} WHERE ${leads.accountId} = ${accountId} AND ${leads.phone} = ${phone})`,
        updatedAt: now,
      })
      .where(inArray(calls.id, [...touched]));
  return { data: merged, calls: [...touched] };
}
