// RTB configuration (README "Real-time bidding"): endpoints and routes in D1; every change recompiles the endpoint's route
// set into one versioned KV entry and tells the account's RtbExchange object the new version.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { accounts, rtbEndpoints, rtbRoutes, type RtbCaps, type RtbGeo, type RtbSchedule } from '../db/schema';
import { notFound } from '../lib/errors';
import { newId, newSecret } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { exchangeFor } from '../durable-objects/stubs';
import { effectiveLimits } from './limits';
import { paginate, type Page } from './pagination';
import { rankRoutes, type CompiledEndpoint } from './rtb-rules';
import type { AccountCtx, Ctx } from './context';

export type EndpointRow = typeof rtbEndpoints.$inferSelect;
export type RouteRow = typeof rtbRoutes.$inferSelect;
export const kvKey = (rtbId: string) => `rtb:${rtbId}`;

export interface EndpointInput {
  name: string;
  campaign_name?: string | null;
  bid_ttl_seconds?: number;
  require_caller_id?: boolean;
  max_routes?: number | null;
  status?: 'enabled' | 'disabled';
}
export interface RouteInput {
  buyer: string;
  number: string;
  payout: number;
  duration?: number | null;
  payout_condition?: 'connected' | null;
  payout_condition_duration?: number | null;
  priority?: number;
  weight?: number;
  schedule?: RtbSchedule | null;
  geo?: RtbGeo | null;
  caps?: RtbCaps | null;
  status?: 'enabled' | 'disabled';
}

export function presentEndpoint(e: EndpointRow, baseUrl?: string) {
  return {
    id: e.id,
    object: 'rtb_endpoint' as const,
    rtb_id: e.rtbId,
    name: e.name,
    campaign_name: e.campaignName,
    bid_ttl_seconds: e.bidTtlSeconds,
    require_caller_id: e.requireCallerId,
    max_routes: e.maxRoutes,
    status: e.status,
    version: e.version,
    ping_url: baseUrl ? `${baseUrl}/inbound_rtb/${e.rtbId}` : `/inbound_rtb/${e.rtbId}`,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

export function presentRoute(r: RouteRow) {
  return {
    id: r.id,
    object: 'rtb_route' as const,
    endpoint_id: r.endpointId,
    buyer: r.buyer,
    number: r.number,
    payout: r.payout,
    duration: r.duration,
    payout_condition: r.payoutCondition,
    payout_condition_duration: r.payoutConditionDuration,
    priority: r.priority,
    weight: r.weight,
    schedule: r.schedule,
    geo: r.geo,
    caps: r.caps,
    status: r.status,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

const liveEndpoint = (accountId: string, id: string) =>
  and(eq(rtbEndpoints.id, id), eq(rtbEndpoints.accountId, accountId), isNull(rtbEndpoints.deletedAt));

export async function getRtbEndpoint(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.rtbEndpoints.findFirst({ where: liveEndpoint(accountId, id) });
  if (!row) throw notFound('rtb_endpoint', 'id');
  return row;
}

/** Bumps the version, builds the compiled set from D1 and publishes it: KV entry, then the object's version. */
export async function compileEndpoint(ctx: Ctx, endpointId: string): Promise<CompiledEndpoint | null> {
  const { env, db } = ctx;
  const [ep] = await db
    .update(rtbEndpoints)
    .set({ version: sql`${rtbEndpoints.version} + 1`, updatedAt: nowSeconds() })
    .where(eq(rtbEndpoints.id, endpointId))
    .returning();
  if (!ep) return null;
  const compiled = await buildCompiled(ctx, ep);
  await env.KV.put(kvKey(ep.rtbId), JSON.stringify(compiled));
  await exchangeFor(env, ep.accountId).setVersion(ep.accountId, ep.id, ep.version);
  return compiled;
}

/** The compiled set for an endpoint as D1 has it now (also the fallback when KV lags behind a change). */
export async function buildCompiled(ctx: Ctx, ep: EndpointRow): Promise<CompiledEndpoint> {
  const { db } = ctx;
  const account = await db.query.accounts.findFirst({ where: eq(accounts.id, ep.accountId) });
  const routes = await db
    .select()
    .from(rtbRoutes)
    .where(and(eq(rtbRoutes.endpointId, ep.id), isNull(rtbRoutes.deletedAt)))
    .orderBy(asc(rtbRoutes.createdAt), asc(rtbRoutes.id));
  const compiled: CompiledEndpoint = {
    version: ep.version,
    rtb_id: ep.rtbId,
    endpoint_id: ep.id,
    account_id: ep.accountId,
    status: ep.deletedAt ? 'disabled' : ep.status,
    bid_ttl_seconds: ep.bidTtlSeconds,
    require_caller_id: ep.requireCallerId,
    max_routes: ep.maxRoutes,
    rtb_per_minute: account ? effectiveLimits(account).rtb_per_minute : 5000,
    routes: rankRoutes(
      routes
        .filter((r) => r.status === 'enabled')
        .map((r) => ({
          id: r.id,
          buyer: r.buyer,
          number: r.number,
          payout: r.payout,
          duration: r.duration,
          payout_condition: r.payoutCondition ?? null,
          payout_condition_duration: r.payoutConditionDuration,
          priority: r.priority,
          weight: r.weight,
          schedule: r.schedule,
          geo: r.geo,
          caps: r.caps,
        })),
    ),
    total_routes: routes.length,
  };
  return compiled;
}

/** After a plan change: the compiled entries carry the account's rtb limit. */
export async function recompileAccount(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const eps = await db
    .select({ id: rtbEndpoints.id })
    .from(rtbEndpoints)
    .where(and(eq(rtbEndpoints.accountId, accountId), isNull(rtbEndpoints.deletedAt)));
  for (const ep of eps) await compileEndpoint(ctx, ep.id);
}

export async function createRtbEndpoint(ctx: AccountCtx<'id'>, input: EndpointInput) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = nowSeconds();
  const row: EndpointRow = {
    id: newId('rtbe'),
    rtbId: newSecret('rtb_', 15),
    accountId,
    name: input.name,
    campaignName: input.campaign_name ?? null,
    bidTtlSeconds: input.bid_ttl_seconds ?? 60,
    requireCallerId: input.require_caller_id ?? false,
    maxRoutes: input.max_routes ?? null,
    status: input.status ?? 'enabled',
    version: 0,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(rtbEndpoints).values(row);
  await compileEndpoint(ctx, row.id);
  return getRtbEndpoint(ctx, row.id);
}

export function listRtbEndpoints(ctx: AccountCtx<'id'>, page: Page, baseUrl: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return paginate(
    db,
    rtbEndpoints,
    {
      scope: eq(rtbEndpoints.accountId, accountId),
      where: isNull(rtbEndpoints.deletedAt),
      order: [rtbEndpoints.createdAt, rtbEndpoints.id],
    },
    page,
    (e) => presentEndpoint(e, baseUrl),
  );
}

export async function updateRtbEndpoint(ctx: AccountCtx<'id'>, id: string, patch: Partial<EndpointInput>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getRtbEndpoint(ctx, id);
  const set: Partial<EndpointRow> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.campaign_name !== undefined) set.campaignName = patch.campaign_name;
  if (patch.bid_ttl_seconds !== undefined) set.bidTtlSeconds = patch.bid_ttl_seconds;
  if (patch.require_caller_id !== undefined) set.requireCallerId = patch.require_caller_id;
  if (patch.max_routes !== undefined) set.maxRoutes = patch.max_routes;
  if (patch.status !== undefined) set.status = patch.status;
  if (Object.keys(set).length) await db.update(rtbEndpoints).set(set).where(liveEndpoint(accountId, id));
  await compileEndpoint(ctx, id);
  return getRtbEndpoint(ctx, id);
}

export async function deleteRtbEndpoint(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getRtbEndpoint(ctx, id);
  await db
    .update(rtbEndpoints)
    .set({ deletedAt: nowSeconds(), status: 'disabled' })
    .where(liveEndpoint(accountId, id));
  await compileEndpoint(ctx, id);
  return { id, object: 'rtb_endpoint' as const, deleted: true as const };
}

const liveRoute = (endpointId: string, id: string) =>
  and(eq(rtbRoutes.id, id), eq(rtbRoutes.endpointId, endpointId), isNull(rtbRoutes.deletedAt));

export async function getRtbRoute(ctx: AccountCtx<'id'>, endpointId: string, id: string) {
  const { db } = ctx;
  await getRtbEndpoint(ctx, endpointId);
  const row = await db.query.rtbRoutes.findFirst({ where: liveRoute(endpointId, id) });
  if (!row) throw notFound('rtb_route', 'route_id');
  return row;
}

export async function createRtbRoute(ctx: AccountCtx<'id'>, endpointId: string, input: RouteInput) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getRtbEndpoint(ctx, endpointId);
  const now = nowSeconds();
  const row: RouteRow = {
    id: newId('route'),
    endpointId,
    accountId,
    buyer: input.buyer,
    number: input.number,
    payout: input.payout,
    duration: input.duration ?? null,
    payoutCondition: input.payout_condition ?? null,
    payoutConditionDuration: input.payout_condition_duration ?? null,
    priority: input.priority ?? 1,
    weight: input.weight ?? 1,
    schedule: input.schedule ?? null,
    geo: input.geo ?? null,
    caps: input.caps ?? null,
    status: input.status ?? 'enabled',
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(rtbRoutes).values(row);
  await compileEndpoint(ctx, endpointId);
  return presentRoute(row);
}

export async function listRtbRoutes(ctx: AccountCtx<'id'>, endpointId: string) {
  const { db } = ctx;
  await getRtbEndpoint(ctx, endpointId);
  const rows = await db
    .select()
    .from(rtbRoutes)
    .where(and(eq(rtbRoutes.endpointId, endpointId), isNull(rtbRoutes.deletedAt)))
    .orderBy(asc(rtbRoutes.createdAt), asc(rtbRoutes.id));
  return { object: 'list' as const, data: rows.map(presentRoute) };
}

export async function updateRtbRoute(
  ctx: AccountCtx<'id'>,
  endpointId: string,
  id: string,
  patch: Partial<RouteInput>,
) {
  const { db } = ctx;
  const row = await getRtbRoute(ctx, endpointId, id);
  const map: Array<[keyof RouteInput, keyof RouteRow]> = [
    ['buyer', 'buyer'],
    ['number', 'number'],
    ['payout', 'payout'],
    ['duration', 'duration'],
    ['payout_condition', 'payoutCondition'],
    ['payout_condition_duration', 'payoutConditionDuration'],
    ['priority', 'priority'],
    ['weight', 'weight'],
    ['schedule', 'schedule'],
    ['geo', 'geo'],
    ['caps', 'caps'],
    ['status', 'status'],
  ];
  const set: Record<string, unknown> = { updatedAt: nowSeconds() };
  for (const [from, to] of map) if (patch[from] !== undefined) set[to] = patch[from];
  await db.update(rtbRoutes).set(set).where(liveRoute(endpointId, id));
  await compileEndpoint(ctx, endpointId);
  return presentRoute({ ...row, ...set } as RouteRow);
}

export async function deleteRtbRoute(ctx: AccountCtx<'id'>, endpointId: string, id: string) {
  const { db } = ctx;
  await getRtbRoute(ctx, endpointId, id);
  await db
    .update(rtbRoutes)
    .set({ deletedAt: nowSeconds(), status: 'disabled' })
    .where(liveRoute(endpointId, id));
  await compileEndpoint(ctx, endpointId);
  return { id, object: 'rtb_route' as const, deleted: true as const };
}
