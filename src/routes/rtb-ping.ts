// The hot path (README "Real-time bidding"): a publisher's ping. No D1 read: the endpoint's compiled
// route set comes from isolate memory or KV (services/rtb-routeset.ts), revalidated by the version the
// account's RtbExchange object reports.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { DomainError, notFound } from '../lib/errors';
import { countAnonymous, headersFor } from '../middleware/rate-limit';
import type { PingAnswer } from '../durable-objects/rtb-exchange';
import { exchangeFor } from '../durable-objects/stubs';
import { loadRouteSet, loadRouteSetFromD1 } from '../services/rtb-routeset';
import { readPing, staticCandidates, type CompiledRoute, type RejectReason } from '../services/rtb-rules';
import { systemCtx } from '../services/context';

const RTB_ID = /^rtb_[0-9a-z]{8,64}$/;

async function pingParams(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = { ...c.req.query() };
  if (c.req.method !== 'POST') return params;
  const type = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  const raw = await c.req.text();
  if (!raw.trim()) return params;
  if (
    type === 'application/x-www-form-urlencoded' ||
    (!type && raw.includes('=') && !raw.trim().startsWith('{'))
  ) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new DomainError('invalid_request', 'The body must be JSON or a form');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new DomainError('invalid_request', 'The body must be a JSON object');
  return { ...params, ...(body as Record<string, unknown>) };
}

const present = (r: CompiledRoute) => ({
  number: r.number,
  payout: r.payout,
  duration: r.duration,
  payout_condition: r.payout_condition,
  payout_condition_duration: r.payout_condition_duration,
});

export function rtbPingRoutes() {
  const r = new Hono<AppEnv>();
  r.on(['GET', 'POST'], '/:rtb_id', async (c) => {
    const started = performance.now();
    const rtbId = c.req.param('rtb_id');
    const ctx = systemCtx(c.env, { request_id: c.get('requestId') });
    let ep = RTB_ID.test(rtbId) ? await loadRouteSet(ctx, rtbId) : null;
    if (!ep || ep.status !== 'enabled') {
      // rtb ids are the publishers' credential: guessing them counts against the caller's IP.
      throw new DomainError('not_found', 'No such inbound_rtb', 'rtb_id', await countAnonymous(c));
    }
    c.set('accountId', ep.account_id);
    const ping = readPing(await pingParams(c));
    const now = Date.now();

    // One call to the account's exchange: version check, rate window, caps and concurrency, hold.
    let reason: RejectReason | null = null;
    let answer: PingAnswer | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const stat =
        ep.require_caller_id && !ping.caller
          ? { routes: [], reason: 'caller_id_required' as const }
          : staticCandidates(ep, ping, now);
      reason = stat.reason;
      answer = await exchangeFor(c.env, ep.account_id).ping({
        accountId: ep.account_id,
        endpointId: ep.endpoint_id,
        version: ep.version,
        rateLimit: ep.rtb_per_minute,
        caller: ping.caller,
        ttlMs: ep.bid_ttl_seconds * 1000,
        maxRoutes: ep.max_routes,
        candidates: stat.routes.map((x) => ({
          id: x.id,
          caps: x.caps,
          timezone: x.schedule?.timezone ?? 'UTC',
        })),
        log: {
          caller: ping.caller,
          zip: ping.zip,
          state: ping.state,
          publisherId: ping.publisher,
          tags: ping.tags,
          rejectReason: reason,
          payouts: Object.fromEntries(stat.routes.map((x) => [x.id, x.payout])),
        },
      });
      if (answer.kind !== 'stale') break;
      // The configuration changed since this isolate cached it: reload from KV, then (if KV lags) from D1.
      const next =
        attempt === 0 ? await loadRouteSet(ctx, rtbId, true) : await loadRouteSetFromD1(ctx, rtbId);
      if (!next || next.status !== 'enabled') throw notFound('inbound_rtb', 'rtb_id');
      ep = next;
    }
    if (!answer || answer.kind === 'stale')
      throw new DomainError('conflict', 'The endpoint configuration is changing; retry', 'rtb_id');
    const rateHeaders = headersFor('rtb', answer.rate);
    if (answer.kind === 'rate_limited') {
      throw new DomainError(
        'rate_limited',
        `Rate limit exceeded: ${answer.rate.limit} rtb requests per minute`,
        undefined,
        rateHeaders,
      );
    }
    const byId = new Map(ep.routes.map((x) => [x.id, x]));
    const eligible = answer.eligible.map((id) => byId.get(id)).filter((x): x is CompiledRoute => !!x);
    if (!eligible.length && !reason) reason = 'caps';
    const body = {
      success: true,
      request_id: c.get('requestId'),
      inbound_rtb_id: rtbId,
      bid_id: answer.bidId,
      allocation_time_seconds: (performance.now() - started) / 1000,
      expires_in_seconds: answer.bidId ? Math.max(0, Math.round(answer.expiresInMs / 1000)) : 0,
      eligible_routes: eligible.map(present),
      total_routes: ep.total_routes,
      allocated_count: eligible.length,
      timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(eligible.length ? {} : { reject_reason: reason }),
    };
    return c.json(body, 200, rateHeaders);
  });
  return r;
}
