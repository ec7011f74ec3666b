// One object per RTB endpoint: its routes' cap counters, live calls, holds and bids, decided atomically
// (no awaits inside a decision). The Worker filters by schedule and geo from its cached route set; this
// object checks caps and concurrency (used + held < limit), holds the winner and remembers the bid.
import { DurableObject } from 'cloudflare:workers';
import type { RtbCaps } from '../db/schema';
import type { Env } from '../env';
import { newId } from '../lib/ids';

export interface BidCandidate { id: string; caps: RtbCaps | null; timezone: string }
export interface BidRequest {
  version: number; caller: string | null; candidates: BidCandidate[]; ttlMs: number; maxRoutes: number | null;
}
export type BidAnswer =
  | { stale: true; version: number }
  | { stale?: false; bidId: string | null; eligible: string[]; heldRouteId: string | null; expiresInMs: number; repeated: boolean };

export interface HeldBid { bidId: string; routeId: string; caller: string | null; expiresAt: number; eligible: string[] }
export interface MatchedBid { bidId: string; routeId: string }

const LIVE_TTL_MS = 4 * 3600_000; // a matched call frees its concurrency by this time even if its end is never seen

export class RtbEndpoint extends DurableObject<Env> {
  /** Replaceable in tests to drive time by hand. */
  clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec('CREATE TABLE IF NOT EXISTS holds (bid_id TEXT PRIMARY KEY, route_id TEXT NOT NULL, caller TEXT, expires_at INTEGER NOT NULL, eligible TEXT NOT NULL)');
    sql.exec('CREATE INDEX IF NOT EXISTS holds_caller ON holds (caller)');
    sql.exec('CREATE TABLE IF NOT EXISTS used (route_id TEXT NOT NULL, at INTEGER NOT NULL)');
    sql.exec('CREATE INDEX IF NOT EXISTS used_route_at ON used (route_id, at)');
    sql.exec('CREATE TABLE IF NOT EXISTS live (call_id TEXT PRIMARY KEY, route_id TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  }

  private get version(): number { return this.ctx.storage.kv.get<number>('version') ?? 0; }

  /** Called after every configuration change (the compiled KV entry has this version). */
  setVersion(version: number) {
    if (version > this.version) this.ctx.storage.kv.put('version', version);
  }

  bid(req: BidRequest): BidAnswer {
    if (req.version < this.version) return { stale: true, version: this.version };
    if (req.version > this.version) this.ctx.storage.kv.put('version', req.version);
    const now = this.clock();
    this.prune(now);
    if (req.caller) {
      const existing = this.ctx.storage.sql.exec<{ bid_id: string; route_id: string; expires_at: number; eligible: string }>(
        'SELECT bid_id, route_id, expires_at, eligible FROM holds WHERE caller = ? ORDER BY expires_at DESC LIMIT 1', req.caller).toArray()[0];
      if (existing) {
        return { bidId: existing.bid_id, eligible: JSON.parse(existing.eligible), heldRouteId: existing.route_id, expiresInMs: existing.expires_at - now, repeated: true };
      }
    }
    const eligible = req.candidates.filter((c) => this.hasRoom(c, now)).slice(0, req.maxRoutes ?? undefined).map((c) => c.id);
    if (!eligible.length) return { bidId: null, eligible: [], heldRouteId: null, expiresInMs: 0, repeated: false };
    const bidId = newId('bid');
    const expiresAt = now + req.ttlMs;
    this.ctx.storage.sql.exec('INSERT INTO holds (bid_id, route_id, caller, expires_at, eligible) VALUES (?, ?, ?, ?, ?)',
      bidId, eligible[0], req.caller, expiresAt, JSON.stringify(eligible));
    void this.ctx.storage.setAlarm(this.nextExpiry() ?? expiresAt);
    return { bidId, eligible, heldRouteId: eligible[0], expiresInMs: req.ttlMs, repeated: false };
  }

  /**
   * An inbound call from `caller` reached one of `routeIds`: if a live hold matches, the bid is won —
   * the hold becomes a counted use and a live call (for the route's concurrency).
   */
  match(caller: string, routeIds: string[], callId: string): MatchedBid | null {
    const now = this.clock();
    this.prune(now);
    if (!routeIds.length) return null;
    const hold = this.ctx.storage.sql.exec<{ bid_id: string; route_id: string }>(
      `SELECT bid_id, route_id FROM holds WHERE caller = ? AND route_id IN (${routeIds.map(() => '?').join(',')}) ORDER BY expires_at DESC LIMIT 1`,
      caller, ...routeIds).toArray()[0];
    if (!hold) return null;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec('DELETE FROM holds WHERE bid_id = ?', hold.bid_id);
      this.ctx.storage.sql.exec('INSERT INTO used (route_id, at) VALUES (?, ?)', hold.route_id, now);
      this.ctx.storage.sql.exec('INSERT OR REPLACE INTO live (call_id, route_id, expires_at) VALUES (?, ?, ?)', callId, hold.route_id, now + LIVE_TTL_MS);
    });
    return { bidId: hold.bid_id, routeId: hold.route_id };
  }

  /** A matched call ended: its route has one more free concurrent slot. Harmless twice. */
  callEnded(callId: string) {
    this.ctx.storage.sql.exec('DELETE FROM live WHERE call_id = ?', callId);
  }

  /** Live holds (for inspection and tests). */
  holds(): HeldBid[] {
    this.prune(this.clock());
    return this.ctx.storage.sql.exec<{ bid_id: string; route_id: string; caller: string | null; expires_at: number; eligible: string }>('SELECT * FROM holds').toArray()
      .map((h) => ({ bidId: h.bid_id, routeId: h.route_id, caller: h.caller, expiresAt: h.expires_at, eligible: JSON.parse(h.eligible) }));
  }

  async alarm() {
    this.prune(this.clock());
    const next = this.nextExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private hasRoom(c: BidCandidate, now: number): boolean {
    const caps = c.caps;
    if (!caps) return true;
    const sql = this.ctx.storage.sql;
    const held = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM holds WHERE route_id = ?', c.id).one().n;
    if (caps.concurrency !== undefined) {
      const live = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM live WHERE route_id = ?', c.id).one().n;
      if (live + held >= caps.concurrency) return false;
    }
    for (const [unit, limit] of [['hour', caps.hourly], ['day', caps.daily], ['month', caps.monthly]] as const) {
      if (limit === undefined) continue;
      const used = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM used WHERE route_id = ? AND at >= ?', c.id, startOf(unit, now, c.timezone)).one().n;
      if (used + held >= limit) return false;
    }
    return true;
  }

  private prune(now: number) {
    this.ctx.storage.sql.exec('DELETE FROM holds WHERE expires_at <= ?', now);
    this.ctx.storage.sql.exec('DELETE FROM live WHERE expires_at <= ?', now);
    // Counted uses older than any cap period (a month and a day) can go.
    this.ctx.storage.sql.exec('DELETE FROM used WHERE at < ?', now - 32 * 86400_000);
  }

  private nextExpiry(): number | null {
    return this.ctx.storage.sql.exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM holds').one().t;
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The start (ms) of the current hour, day or month in `zone`. */
export function startOf(unit: 'hour' | 'day' | 'month', now: number, zone: string): number {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partsFormatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  const intoHour = (Number(parts.minute) * 60 + Number(parts.second)) * 1000 + (now % 1000);
  if (unit === 'hour') return now - intoHour;
  const intoDay = intoHour + Number(parts.hour) * 3600_000;
  if (unit === 'day') return now - intoDay;
  return now - intoDay - (Number(parts.day) - 1) * 86400_000;
}
