// Lead data pushed before, during or after a call (SPEC §10): one record per account and number.
import { and, desc, eq, gte, inArray, or } from 'drizzle-orm';
import { calls, leads } from '../db/schema';
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

/** Later values win; nested objects (custom_data) merge one level deep rather than being replaced. */
export function mergeLead(prev: Record<string, unknown>, next: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...prev };
  for (const [k, v] of Object.entries(next)) {
    const old = out[k];
    out[k] = isPlainObject(old) && isPlainObject(v) ? { ...old, ...v } : v;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Upserts the lead and attaches it at once to the number's live calls and to its most recent call of
 * the last 24 h, so data pushed during or just after a call lands on it. Returns the merged record and
 * the calls it touched.
 */
export async function upsertLead(ctx: AccountCtx<'id'>, phone: string, data: Record<string, unknown>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = nowSeconds();
  const existing = await findLead(ctx, phone);
  const merged = mergeLead(existing?.data ?? {}, data);
  await db
    .insert(leads)
    .values({ accountId, phone, data: merged, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [leads.accountId, leads.phone], set: { data: merged, updatedAt: now } });

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
  if (touched.size)
    await db
      .update(calls)
      .set({ callerData: merged, updatedAt: now })
      .where(inArray(calls.id, [...touched]));
  return { data: merged, calls: [...touched] };
}
