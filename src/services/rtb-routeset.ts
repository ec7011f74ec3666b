// Where the ping hot path (routes/rtb-ping.ts) gets an endpoint's compiled route set without reading
// D1: isolate memory first, then the KV entry compileEndpoint (services/rtb-config.ts) publishes, and
// D1 only when KV lags behind a version the account's RtbExchange has already seen.
import { eq } from 'drizzle-orm';
import { rtbEndpoints } from '../db/schema';
import { buildCompiled, kvKey } from './rtb-config';
import type { CompiledEndpoint } from './rtb-rules';
import { withAccount, type Ctx } from './context';
import { findOnShards } from '../db/shards';

const compiledCache = new Map<string, CompiledEndpoint>();
/** Unknown rtb ids are remembered briefly so a flood of guesses does not become a flood of KV reads. */
const unknownUntil = new Map<string, number>();
const UNKNOWN_TTL_MS = 5_000;

/** The cached route set, or KV's when `fresh` (the exchange said the cached version is stale). */
export async function loadRouteSet(ctx: Ctx, rtbId: string, fresh = false): Promise<CompiledEndpoint | null> {
  const { env } = ctx;
  if (!fresh) {
    const hit = compiledCache.get(rtbId);
    if (hit) return hit;
    if ((unknownUntil.get(rtbId) ?? 0) > Date.now()) return null;
  }
  const compiled = await env.KV.get<CompiledEndpoint>(kvKey(rtbId), 'json');
  if (!compiled) {
    unknownUntil.set(rtbId, Date.now() + UNKNOWN_TTL_MS);
    return null;
  }
  compiledCache.set(rtbId, compiled);
  return compiled;
}

/** KV behind the object's version (eventual consistency across locations): build from D1 this once. */
export async function loadRouteSetFromD1(ctx: Ctx, rtbId: string): Promise<CompiledEndpoint | null> {
  // An rtb id names no account: every shard is asked at once; the rest is read on the account's shard.
  const ep = await findOnShards(
    ctx.env,
    (db) => db.query.rtbEndpoints.findFirst({ where: eq(rtbEndpoints.rtbId, rtbId) }),
    (row) => row.accountId,
  );
  if (!ep) return null;
  const compiled = await buildCompiled(withAccount(ctx, { id: ep.accountId }), ep);
  compiledCache.set(rtbId, compiled);
  return compiled;
}

/** Account deletion: this isolate forgets the endpoint at once (others learn it from the exchange). */
export function forgetRouteSet(rtbId: string) {
  compiledCache.delete(rtbId);
}
