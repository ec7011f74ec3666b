// Quiet hours (README "Quiet hours"): an account setting naming the local times, in the recipient's own zone,
// when calls may be placed. Single calls outside them are refused (422 naming recipient_phone) or scheduled to
// the next open minute; batches and redials wait for it. The zone comes from the same phone-number map as
// batch calling windows; a number whose country spans zones is called only when it is open in all of them.
import { eq } from 'drizzle-orm';
import { accounts, type QuietHours } from '../db/schema';
import { nextOpening, windowOpen, type CallingWindow } from '../lib/calling-window';
import { unprocessable } from '../lib/errors';
import { timeZonesForNumber } from '../lib/phone-timezones';
import { zonedParts } from '../lib/zoned-time';
import type { AccountCtx } from './context';

export type { QuietHours };
export type WhenClosed = QuietHours['when_closed'];

/** The zones a recipient may be in; the account's zone when the number's country is unknown. */
export function recipientZones(phone: string, accountZone: string): string[] {
  const zones = timeZonesForNumber(phone);
  return zones.length ? zones : [accountZone];
}

const asWindow = (q: QuietHours): CallingWindow => ({ start: q.start, end: q.end, days: q.days });

export function quietOpen(q: QuietHours | null | undefined, zones: string[], ms: number): boolean {
  return !q || windowOpen(asWindow(q), zones, ms);
}

/** The first minute at or after `ms` when calls are allowed in every zone, or null within 8 days. */
export function nextQuietOpening(q: QuietHours, zones: string[], ms: number): number | null {
  return windowOpen(asWindow(q), zones, ms) ? ms : nextOpening(asWindow(q), zones, ms);
}

export async function accountQuietHours(ctx: AccountCtx<'id'>) {
  const row = await ctx.db.query.accounts.findFirst({
    where: eq(accounts.id, ctx.account.id),
    columns: { quietHours: true, timezone: true },
  });
  return { quietHours: row?.quietHours ?? null, timezone: row?.timezone ?? 'UTC' };
}

export async function setQuietHours(ctx: AccountCtx<'id'>, q: QuietHours | null) {
  await ctx.db.update(accounts).set({ quietHours: q }).where(eq(accounts.id, ctx.account.id));
  return q;
}

const hhmmIn = (ms: number, zone: string) => {
  const p = zonedParts(ms, zone);
  return `${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')} ${zone}`;
};

/**
 * A single call's gate: null = dial now; a time (ms) = schedule it then (`when_closed: "schedule"`).
 * Outside quiet hours with `refuse` (the default) it throws 422 naming `recipient_phone`.
 */
export async function quietHoursGate(
  ctx: AccountCtx<'id'>,
  phone: string,
  whenClosed: WhenClosed | undefined,
  nowMs = Date.now(),
): Promise<number | null> {
  const { quietHours, timezone } = await accountQuietHours(ctx);
  if (!quietHours) return null;
  const zones = recipientZones(phone, timezone);
  if (quietOpen(quietHours, zones, nowMs)) return null;
  const mode = whenClosed ?? quietHours.when_closed;
  const next = nextQuietOpening(quietHours, zones, nowMs);
  if (mode === 'schedule' && next !== null) return next;
  throw unprocessable(
    `recipient_phone ${phone} is outside the account's quiet hours (${quietHours.start}–${quietHours.end}; it is ${zones
      .map((z) => hhmmIn(nowMs, z))
      .join(
        ', ',
      )})${next !== null ? `; calls open at ${new Date(next).toISOString()}` : ''}. Send "when_closed": "schedule" to queue it`,
    'recipient_phone',
  );
}
