// One object per account for real-time bidding: the account's `rtb` rate window and, for all its RTB
// endpoints, the routes' cap counters, live calls, holds and bids. A ping is one call to this object,
// decided atomically (no awaits): version check → rate → caps and concurrency (used + held < limit) →
// hold the winner. The decision is made on in-memory state; writes to SQLite are batched every
// PERSIST_EVERY_MS (a storage commit per ping would halve throughput), so a crash — not an eviction,
// which waits for idle — can forget at most that last slice of holds and rate hits. Bid rows for
// reporting are logged here and flushed to D1 in batches by the alarm, so a ping never waits on D1.
import { DurableObject } from 'cloudflare:workers';
import { accountDb } from '../db/shards';
import { rtbBids, type RtbCaps } from '../db/schema';
import type { Env } from '../env';
import { newId } from '../lib/ids';
import { migrateDurableObject, type DoMigrations } from '../lib/do-migrations';
import { SLIDING_WINDOW_SCHEMA, SlidingWindows, type RateDecision } from '../lib/sliding-window';
import { MinHeap } from '../lib/min-heap';
import { startOf } from '../lib/period-start';

export interface BidCandidate {
  id: string;
  caps: RtbCaps | null;
  timezone: string;
}
export interface BidLog {
  caller: string | null;
  zip: string | null;
  state: string | null;
  publisherId: string | null;
  tags: Record<string, string>;
  payouts: Record<string, number>;
  rejectReason: string | null;
}
export interface PingRequest {
  accountId: string;
  endpointId: string;
  version: number;
  rateLimit: number;
  caller: string | null;
  candidates: BidCandidate[];
  ttlMs: number;
  maxRoutes: number | null;
  log: BidLog;
}
export type PingAnswer =
  | { kind: 'stale'; version: number }
  | { kind: 'rate_limited'; rate: RateDecision }
  | {
      kind: 'bid';
      rate: RateDecision;
      bidId: string | null;
      eligible: string[];
      heldRouteId: string | null;
      expiresInMs: number;
      repeated: boolean;
    };

export interface Hold {
  bidId: string;
  endpointId: string;
  routeId: string;
  caller: string | null;
  expiresAt: number;
  eligible: string[];
}
export interface MatchedBid {
  bidId: string;
  endpointId: string;
  routeId: string;
}

const LIVE_TTL_MS = 4 * 3600_000; // a matched call frees its concurrency by then even if its end is never seen
const USED_KEEP_MS = 32 * 86400_000; // longer than any cap period
const FLUSH_EVERY_MS = 2_000;
const PERSIST_EVERY_MS = 25;

const bump = (m: Map<string, number>, k: string, d: number) => {
  const v = (m.get(k) ?? 0) + d;
  if (v > 0) m.set(k, v);
  else m.delete(k);
};

/** This object's storage schema by version (lib/do-migrations.ts); 1 is the schema before versioning. */
const MIGRATIONS: DoMigrations = [
  [
    ...SLIDING_WINDOW_SCHEMA,
    'CREATE TABLE IF NOT EXISTS holds (bid_id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, route_id TEXT NOT NULL, caller TEXT, expires_at INTEGER NOT NULL, eligible TEXT NOT NULL)',
    'CREATE TABLE IF NOT EXISTS live (call_id TEXT PRIMARY KEY, route_id TEXT NOT NULL, expires_at INTEGER NOT NULL)',
    'CREATE TABLE IF NOT EXISTS used (route_id TEXT NOT NULL, at INTEGER NOT NULL)',
    'CREATE TABLE IF NOT EXISTS versions (endpoint_id TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    'CREATE TABLE IF NOT EXISTS bid_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL)',
    'CREATE INDEX IF NOT EXISTS holds_expires ON holds (expires_at)',
  ],
];

export class RtbExchange extends DurableObject<Env> {
  /** Replaceable in tests to drive time by hand. */
  clock: () => number = () => Date.now();
  private windows!: SlidingWindows;
  private holds = new Map<string, Hold>();
  private holdByCaller = new Map<string, string>(); // endpointId|caller → bidId
  private heldPerRoute = new Map<string, number>();
  private live = new Map<string, { routeId: string; expiresAt: number }>();
  private livePerRoute = new Map<string, number>();
  private used = new Map<string, number[]>(); // routeId → times a bid was won, ascending
  private versions = new Map<string, number>();
  /** Expiry times of holds and live calls, soonest first (entries may be stale; checked when popped). */
  private expiries = new MinHeap();
  private alarmAt: number | null = null;
  private logPending = false;
  private writes: Array<() => void> = [];
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set once the account was deleted: every ping is stale. */
  private purged = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrateDurableObject(ctx.storage, MIGRATIONS);
      this.load();
    });
  }

  /** Account deletion: every hold, cap use, version and unflushed bid goes, in storage and in memory. */
  async purge() {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.writes = [];
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.holds.clear();
    this.holdByCaller.clear();
    this.heldPerRoute.clear();
    this.live.clear();
    this.livePerRoute.clear();
    this.used.clear();
    this.versions.clear();
    this.expiries = new MinHeap();
    this.alarmAt = null;
    migrateDurableObject(this.ctx.storage, MIGRATIONS);
    this.load();
    // The one thing kept: a marker without account data, so a Worker isolate that still caches one of the
    // account's route sets is told it is stale (then finds no KV entry: 404) instead of recreating bids.
    this.ctx.storage.kv.put('purged', 1);
    this.purged = true;
  }

  /** Rebuilds the in-memory state from storage (after an eviction or restart). */
  private load() {
    const sql = this.ctx.storage.sql;
    this.windows = new SlidingWindows(sql, (w) => this.later(w));
    this.purged = this.ctx.storage.kv.get('purged') !== undefined;
    this.logPending = sql.exec('SELECT 1 FROM bid_log LIMIT 1').toArray().length > 0;
    for (const h of sql.exec<{
      bid_id: string;
      endpoint_id: string;
      route_id: string;
      caller: string | null;
      expires_at: number;
      eligible: string;
    }>('SELECT * FROM holds')) {
      this.addHold({
        bidId: h.bid_id,
        endpointId: h.endpoint_id,
        routeId: h.route_id,
        caller: h.caller,
        expiresAt: h.expires_at,
        eligible: JSON.parse(h.eligible),
      });
    }
    for (const l of sql.exec<{ call_id: string; route_id: string; expires_at: number }>('SELECT * FROM live'))
      this.addLive(l.call_id, l.route_id, l.expires_at);
    for (const u of sql.exec<{ route_id: string; at: number }>('SELECT route_id, at FROM used ORDER BY at'))
      this.usedOf(u.route_id).push(u.at);
    for (const v of sql.exec<{ endpoint_id: string; version: number }>('SELECT * FROM versions'))
      this.versions.set(v.endpoint_id, v.version);
  }

  /** Called after every configuration change of an endpoint (its compiled KV entry has this version). */
  setVersion(accountId: string, endpointId: string, version: number) {
    if (!this.ctx.storage.kv.get('account_id')) this.ctx.storage.kv.put('account_id', accountId);
    if (version > (this.versions.get(endpointId) ?? 0)) this.storeVersion(endpointId, version);
  }

  ping(req: PingRequest): PingAnswer {
    if (this.purged) return { kind: 'stale', version: Number.MAX_SAFE_INTEGER };
    const current = this.versions.get(req.endpointId) ?? 0;
    if (req.version < current) return { kind: 'stale', version: current };
    if (req.version > current) this.storeVersion(req.endpointId, req.version);
    if (!this.ctx.storage.kv.get('account_id')) this.ctx.storage.kv.put('account_id', req.accountId);
    const now = this.clock();
    const rate = this.windows.hit('rtb', req.rateLimit, 60_000, now);
    if (!rate.allowed) return { kind: 'rate_limited', rate };
    this.prune(now);

    const repeat = req.caller
      ? this.holds.get(this.holdByCaller.get(`${req.endpointId}|${req.caller}`) ?? '')
      : undefined;
    if (repeat) {
      return {
        kind: 'bid',
        rate,
        bidId: repeat.bidId,
        eligible: repeat.eligible,
        heldRouteId: repeat.routeId,
        expiresInMs: repeat.expiresAt - now,
        repeated: true,
      };
    }
    const eligible: string[] = [];
    for (const c of req.candidates) {
      if (req.maxRoutes !== null && eligible.length >= req.maxRoutes) break;
      if (this.hasRoom(c, now)) eligible.push(c.id);
    }
    let bidId: string | null = null;
    if (eligible.length) {
      bidId = newId('bid', now);
      const hold: Hold = {
        bidId,
        endpointId: req.endpointId,
        routeId: eligible[0],
        caller: req.caller,
        expiresAt: now + req.ttlMs,
        eligible,
      };
      this.addHold(hold);
      this.later(() =>
        this.ctx.storage.sql.exec(
          'INSERT INTO holds (bid_id, endpoint_id, route_id, caller, expires_at, eligible) VALUES (?, ?, ?, ?, ?, ?)',
          bidId,
          hold.endpointId,
          hold.routeId,
          hold.caller,
          hold.expiresAt,
          JSON.stringify(eligible),
        ),
      );
    }
    this.logBid(req, bidId, eligible, now);
    return {
      kind: 'bid',
      rate,
      bidId,
      eligible,
      heldRouteId: eligible[0] ?? null,
      expiresInMs: bidId ? req.ttlMs : 0,
      repeated: false,
    };
  }

  /** An inbound call from `caller` reached one of `routeIds`: a live hold there wins — it becomes a counted use and a live call. */
  match(caller: string, routeIds: string[], callId: string): MatchedBid | null {
    const now = this.clock();
    this.prune(now);
    let best: Hold | undefined;
    for (const h of this.holds.values())
      if (h.caller === caller && routeIds.includes(h.routeId) && (!best || h.expiresAt > best.expiresAt))
        best = h;
    if (!best) return null;
    const hold = best;
    this.dropHold(hold);
    this.usedOf(hold.routeId).push(now);
    this.addLive(callId, hold.routeId, now + LIVE_TTL_MS);
    this.persist();
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec('DELETE FROM holds WHERE bid_id = ?', hold.bidId);
      this.ctx.storage.sql.exec('INSERT INTO used (route_id, at) VALUES (?, ?)', hold.routeId, now);
      this.ctx.storage.sql.exec(
        'INSERT OR REPLACE INTO live (call_id, route_id, expires_at) VALUES (?, ?, ?)',
        callId,
        hold.routeId,
        now + LIVE_TTL_MS,
      );
    });
    return { bidId: hold.bidId, endpointId: hold.endpointId, routeId: hold.routeId };
  }

  /** A matched call ended: its route has a concurrent slot back. Harmless twice. */
  callEnded(callId: string) {
    const l = this.live.get(callId);
    if (!l) return;
    this.live.delete(callId);
    bump(this.livePerRoute, l.routeId, -1);
    this.ctx.storage.sql.exec('DELETE FROM live WHERE call_id = ?', callId);
  }

  /** Live holds, optionally of one endpoint (for inspection and tests). */
  activeHolds(endpointId?: string): Hold[] {
    this.prune(this.clock());
    return [...this.holds.values()].filter((h) => !endpointId || h.endpointId === endpointId);
  }

  /**
   * The cron watchdog (src/services/watchdog.ts): bids still waiting in the log get their flush alarm
   * back if the platform gave up retrying it. Idempotent: an alarm already set is left alone.
   */
  async wake(): Promise<boolean> {
    if (!this.logPending || (await this.ctx.storage.getAlarm()) !== null) return false;
    this.alarmAt = null; // it may remember an alarm that no longer exists
    this.scheduleAlarm(this.clock());
    return true;
  }

  async alarm() {
    this.alarmAt = null;
    const now = this.clock();
    this.prune(now);
    this.persist();
    this.forgetOldUses(now);
    await this.flushBidLog();
    const next = this.expiries.peek()?.at;
    if (next !== undefined) this.scheduleAlarm(next);
    if (this.logPending) this.scheduleAlarm(this.clock() + FLUSH_EVERY_MS);
  }

  private hasRoom(c: BidCandidate, now: number): boolean {
    const caps = c.caps;
    if (!caps) return true;
    const held = this.heldPerRoute.get(c.id) ?? 0;
    if (caps.concurrency !== undefined && (this.livePerRoute.get(c.id) ?? 0) + held >= caps.concurrency)
      return false;
    for (const [unit, limit] of [
      ['hour', caps.hourly],
      ['day', caps.daily],
      ['month', caps.monthly],
    ] as const) {
      if (limit === undefined) continue;
      if (held >= limit) return false;
      const since = startOf(unit, now, c.timezone);
      const times = this.used.get(c.id) ?? [];
      let count = 0;
      for (let i = times.length - 1; i >= 0 && times[i] >= since; i--) count++;
      if (count + held >= limit) return false;
    }
    return true;
  }

  private addHold(h: Hold) {
    this.holds.set(h.bidId, h);
    if (h.caller) this.holdByCaller.set(`${h.endpointId}|${h.caller}`, h.bidId);
    bump(this.heldPerRoute, h.routeId, 1);
    this.expiries.push(h.expiresAt, `h:${h.bidId}`);
    this.scheduleAlarm(h.expiresAt);
  }

  private dropHold(h: Hold) {
    this.holds.delete(h.bidId);
    if (h.caller && this.holdByCaller.get(`${h.endpointId}|${h.caller}`) === h.bidId)
      this.holdByCaller.delete(`${h.endpointId}|${h.caller}`);
    bump(this.heldPerRoute, h.routeId, -1);
  }

  private addLive(callId: string, routeId: string, expiresAt: number) {
    if (!this.live.has(callId)) bump(this.livePerRoute, routeId, 1);
    this.live.set(callId, { routeId, expiresAt });
    this.expiries.push(expiresAt, `l:${callId}`);
  }

  private usedOf(routeId: string) {
    let list = this.used.get(routeId);
    if (!list) this.used.set(routeId, (list = []));
    return list;
  }

  private storeVersion(endpointId: string, version: number) {
    this.versions.set(endpointId, version);
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO versions (endpoint_id, version) VALUES (?, ?)',
      endpointId,
      version,
    );
  }

  /** Expired holds and live calls go (soonest first, so a ping pays only for what expired). */
  private prune(now: number) {
    const sql = this.ctx.storage.sql;
    let dropped = false;
    for (let top = this.expiries.peek(); top && top.at <= now; top = this.expiries.peek()) {
      this.expiries.pop();
      const id = top.key.slice(2);
      if (top.key.startsWith('h:')) {
        const h = this.holds.get(id);
        if (h && h.expiresAt <= now) {
          this.dropHold(h);
          dropped = true;
        }
      } else {
        const l = this.live.get(id);
        if (l && l.expiresAt <= now) {
          this.live.delete(id);
          bump(this.livePerRoute, l.routeId, -1);
          dropped = true;
        }
      }
    }
    if (dropped) {
      this.later(() => {
        sql.exec('DELETE FROM holds WHERE expires_at <= ?', now);
        sql.exec('DELETE FROM live WHERE expires_at <= ?', now);
      });
    }
  }

  /** Queues a write for the next batch. */
  private later(write: () => void) {
    this.writes.push(write);
    if (!this.persistTimer) this.persistTimer = setTimeout(() => this.persist(), PERSIST_EVERY_MS);
  }

  /** Runs the queued writes in one transaction (one storage commit). */
  private persist() {
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
    }
    if (!this.writes.length) return;
    const writes = this.writes;
    this.writes = [];
    this.ctx.storage.transactionSync(() => {
      for (const w of writes) w();
    });
  }

  /** Uses older than any cap period can go (run from the alarm, not on pings). */
  private forgetOldUses(now: number) {
    for (const [routeId, times] of this.used) {
      const keep = times.filter((t) => t >= now - USED_KEEP_MS);
      if (keep.length !== times.length) this.used.set(routeId, keep);
    }
    this.ctx.storage.sql.exec('DELETE FROM used WHERE at < ?', now - USED_KEEP_MS);
  }

  private logBid(req: PingRequest, bidId: string | null, eligible: string[], now: number) {
    const held = eligible[0];
    const row = {
      id: bidId ?? newId('bidx', now),
      accountId: '',
      endpointId: req.endpointId,
      routeId: held ?? null,
      caller: req.log.caller,
      zip: req.log.zip,
      state: req.log.state,
      publisherId: req.log.publisherId,
      tags: req.log.tags,
      payout: held ? (req.log.payouts[held] ?? null) : null,
      eligibleCount: eligible.length,
      rejectReason: eligible.length ? null : (req.log.rejectReason ?? 'caps'),
      callId: null,
      createdAt: Math.floor(now / 1000),
      expiresAt: bidId ? Math.floor((now + req.ttlMs) / 1000) : null,
    };
    this.later(() => this.ctx.storage.sql.exec('INSERT INTO bid_log (row) VALUES (?)', JSON.stringify(row)));
    if (!this.logPending) {
      this.logPending = true;
      this.scheduleAlarm(this.clock() + FLUSH_EVERY_MS);
    }
  }

  /** Writes logged bids to D1 (rtb_bids) in batches; a failed flush keeps them for the next alarm. */
  private async flushBidLog() {
    this.persist();
    const accountId = this.ctx.storage.kv.get<string>('account_id') ?? '';
    const pending = this.ctx.storage.sql
      .exec<{ seq: number; row: string }>('SELECT seq, row FROM bid_log ORDER BY seq LIMIT 500')
      .toArray();
    if (!pending.length) {
      this.logPending = false;
      return;
    }
    const rows = pending.map((p) => ({ ...JSON.parse(p.row), accountId }));
    const db = accountDb(this.env, accountId);
    const statements = [];
    for (let i = 0; i < rows.length; i += 6)
      statements.push(
        db
          .insert(rtbBids)
          .values(rows.slice(i, i + 6))
          .onConflictDoNothing(),
      );
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    this.ctx.storage.sql.exec('DELETE FROM bid_log WHERE seq <= ?', pending[pending.length - 1].seq);
    this.logPending = this.ctx.storage.sql.exec('SELECT 1 FROM bid_log LIMIT 1').toArray().length > 0;
  }

  /** Wants the alarm at `at` (this object's clock) or sooner; keeps the earliest. */
  private scheduleAlarm(at: number) {
    const real = Date.now() + Math.max(0, at - this.clock());
    if (this.alarmAt !== null && this.alarmAt <= real) return;
    this.alarmAt = real;
    void this.ctx.storage.setAlarm(real);
  }
}
