// The hot path (SPEC §11): a publisher's ping. No D1 read: the endpoint's compiled route set lives in
// isolate memory (loaded once from KV), revalidated by the version its RtbEndpoint object reports.
import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { getDb } from '../db/client';
import { rtbBids, rtbEndpoints } from '../db/schema';
import type { AppEnv, Env } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { enforceRate } from '../middleware/rate-limit';
import { buildCompiled, kvKey, rtbObject } from '../services/rtb-config';
import { readPing, staticCandidates, type CompiledEndpoint, type CompiledRoute, type RejectReason } from '../services/rtb-rules';

const compiledCache = new Map<string, CompiledEndpoint>();
const unknownUntil = new Map<string, number>();
const RTB_ID = /^rtb_[0-9a-z]{8,64}$/;

async function loadCompiled(env: Env, rtbId: string, fresh = false): Promise<CompiledEndpoint | null> {
  if (!fresh) {
    const hit = compiledCache.get(rtbId);
    if (hit) return hit;
    if ((unknownUntil.get(rtbId) ?? 0) > Date.now()) return null;
  }
  const compiled = await env.KV.get<CompiledEndpoint>(kvKey(rtbId), 'json');
  if (!compiled) { unknownUntil.set(rtbId, Date.now() + 5_000); return null; }
  compiledCache.set(rtbId, compiled);
  return compiled;
}

/** KV behind the object's version (eventual consistency across locations): build from D1 this once. */
async function loadFromD1(env: Env, rtbId: string): Promise<CompiledEndpoint | null> {
  const ep = await getDb(env.DB).query.rtbEndpoints.findFirst({ where: eq(rtbEndpoints.rtbId, rtbId) });
  if (!ep) return null;
  const compiled = await buildCompiled(getDb(env.DB), ep);
  compiledCache.set(rtbId, compiled);
  return compiled;
}

async function pingParams(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = { ...c.req.query() };
  if (c.req.method !== 'POST') return params;
  const type = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  const raw = await c.req.text();
  if (!raw.trim()) return params;
  if (type === 'application/x-www-form-urlencoded' || (!type && raw.includes('=') && !raw.trim().startsWith('{'))) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
  }
  let body: unknown;
  try { body = JSON.parse(raw); } catch { throw new ApiError('invalid_request', 'The body must be JSON or a form'); }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('invalid_request', 'The body must be a JSON object');
  return { ...params, ...(body as Record<string, unknown>) };
}

const present = (r: CompiledRoute) => ({
  number: r.number, payout: r.payout, duration: r.duration, payout_condition: r.payout_condition, payout_condition_duration: r.payout_condition_duration,
});

export function rtbPingRoutes() {
  const r = new Hono<AppEnv>();
  r.on(['GET', 'POST'], '/:rtb_id', async (c) => {
    const started = performance.now();
    const rtbId = c.req.param('rtb_id');
    let ep = RTB_ID.test(rtbId) ? await loadCompiled(c.env, rtbId) : null;
    if (!ep || ep.status !== 'enabled') throw notFound('inbound_rtb', 'rtb_id');
    c.set('accountId', ep.account_id);
    const rateHeaders = await enforceRate(c, ep.account_id, 'rtb', ep.rtb_per_minute);
    const ping = readPing(await pingParams(c));
    const now = Date.now();

    let reason: RejectReason | null = null;
    let answer = null as Awaited<ReturnType<ReturnType<typeof rtbObject>['bid']>> | null;
    let candidates: CompiledRoute[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      if (ep.require_caller_id && !ping.caller) { reason = 'caller_id_required'; break; }
      const stat = staticCandidates(ep, ping, now);
      candidates = stat.routes;
      reason = stat.reason;
      answer = await rtbObject(c.env, ep.endpoint_id).bid({
        version: ep.version, caller: ping.caller, ttlMs: ep.bid_ttl_seconds * 1000, maxRoutes: ep.max_routes,
        candidates: candidates.map((x) => ({ id: x.id, caps: x.caps, timezone: x.schedule?.timezone ?? 'UTC' })),
      });
      if (!answer.stale) break;
      // The configuration changed since this isolate cached it: reload, then (if KV lags) read D1.
      const next = attempt === 0 ? await loadCompiled(c.env, rtbId, true) : await loadFromD1(c.env, rtbId);
      if (!next || next.status !== 'enabled') throw notFound('inbound_rtb', 'rtb_id');
      ep = next;
    }
    const result = answer && !answer.stale ? answer : null;
    const byId = new Map(ep.routes.map((x) => [x.id, x]));
    const eligible = (result?.eligible ?? []).map((id) => byId.get(id)).filter((x): x is CompiledRoute => !!x);
    if (!eligible.length && !reason) reason = 'caps';
    const allocation = (performance.now() - started) / 1000;

    const body = {
      success: true,
      request_id: c.get('requestId'),
      inbound_rtb_id: rtbId,
      bid_id: result?.bidId ?? null,
      allocation_time_seconds: allocation,
      expires_in_seconds: result?.bidId ? Math.max(0, Math.round(result.expiresInMs / 1000)) : 0,
      eligible_routes: eligible.map(present),
      total_routes: ep.total_routes,
      allocated_count: eligible.length,
      timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(eligible.length ? {} : { reject_reason: reason }),
    };
    // Reporting rows are written after the answer; the publisher never waits for D1.
    if (!result?.repeated) {
      const held = result?.heldRouteId ? byId.get(result.heldRouteId) : undefined;
      const write = getDb(c.env.DB).insert(rtbBids).values({
        id: result?.bidId ?? `bid_none_${c.get('requestId')}`, accountId: ep.account_id, endpointId: ep.endpoint_id, routeId: held?.id ?? null,
        caller: ping.caller, zip: ping.zip, state: ping.state, publisherId: ping.publisher, tags: ping.tags, payout: held?.payout ?? null,
        eligibleCount: eligible.length, rejectReason: eligible.length ? null : reason, callId: null,
        createdAt: Math.floor(now / 1000), expiresAt: result?.bidId ? Math.floor((now + result.expiresInMs) / 1000) : null,
      }).onConflictDoNothing().run().catch((err) => console.error(JSON.stringify({ level: 'warn', msg: 'rtb bid row not written', error: String(err) })));
      try { c.executionCtx.waitUntil(write); } catch { await write; }
    }
    return c.json(body, 200, rateHeaders);
  });
  return r;
}
