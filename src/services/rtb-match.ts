// Matching (README "Real-time bidding"): an inbound call to a route's number from a pinged caller, within the bid's TTL,
// wins that bid; the call then converts by the route's payout condition.
import { and, eq, isNull, or } from 'drizzle-orm';
import { rtbBids, rtbEndpoints, rtbRoutes } from '../db/schema';
import { exchangeFor } from '../durable-objects/stubs';
import type { AccountCtx } from './context';

export interface CallRtb {
  bid_id: string;
  rtb_id: string;
  endpoint_id: string;
  route_id: string;
  buyer: string;
  payout: number;
  payout_condition: 'connected' | null;
  payout_condition_duration: number | null;
  duration: number | null;
}

/** Seconds after answer at which the call pays: the condition's duration, or the route's duration without one. */
export const conversionAfterSeconds = (rtb: CallRtb) =>
  (rtb.payout_condition === 'connected' ? rtb.payout_condition_duration : rtb.duration) ?? 0;

export async function matchInboundCall(
  ctx: AccountCtx<'id'>,
  to: string,
  caller: string,
  callId: string,
  routeHint: string | null,
): Promise<CallRtb | null> {
  const { env, db } = ctx;
  const accountId = ctx.account.id;
  const routes = await db
    .select()
    .from(rtbRoutes)
    .where(
      and(
        eq(rtbRoutes.accountId, accountId),
        isNull(rtbRoutes.deletedAt),
        routeHint ? or(eq(rtbRoutes.number, to), eq(rtbRoutes.id, routeHint)) : eq(rtbRoutes.number, to),
      ),
    );
  if (!routes.length) return null;
  const won = await exchangeFor(env, accountId).match(
    caller,
    routes.map((r) => r.id),
    callId,
  );
  if (!won) return null;
  const route = routes.find((r) => r.id === won.routeId)!;
  const ep = await db.query.rtbEndpoints.findFirst({
    where: eq(rtbEndpoints.id, won.endpointId),
    columns: { rtbId: true },
  });
  // The bid row may still be in the exchange's log (flushed in batches); the call also records the bid id.
  await db.update(rtbBids).set({ callId }).where(eq(rtbBids.id, won.bidId));
  return {
    bid_id: won.bidId,
    rtb_id: ep?.rtbId ?? '',
    endpoint_id: won.endpointId,
    route_id: route.id,
    buyer: route.buyer,
    payout: route.payout,
    payout_condition: route.payoutCondition ?? null,
    payout_condition_duration: route.payoutConditionDuration,
    duration: route.duration,
  };
}
