// One object per account (and one per client IP for unauthenticated traffic).
// Rate windows are exact sliding logs; concurrency slots are leases that expire on their own.
// Every method runs without awaiting, so each decision is atomic: the object handles one call at a time.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (at least one unit frees). */
  reset: number;
  /** Whole seconds to wait when refused; never earlier than the window really frees. */
  retryAfter: number;
}

export interface LeaseDecision { acquired: boolean; held: number; cap: number; retryAfter: number }

export class AccountLimiter extends DurableObject<Env> {
  /** Replaceable in tests (runInDurableObject) to drive time by hand. */
  clock: () => number = () => Date.now();
  /** Replaceable in tests to watch every decision (RPC methods cannot be wrapped per instance). */
  observe: (kind: 'hit' | 'acquire', key: string, decision: RateDecision | LeaseDecision) => void = () => {};
  private logs = new Map<string, number[]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec('CREATE TABLE IF NOT EXISTS hits (cls TEXT NOT NULL, at INTEGER NOT NULL)');
    sql.exec('CREATE INDEX IF NOT EXISTS hits_cls_at ON hits (cls, at)');
    sql.exec('CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
    for (const row of sql.exec<{ cls: string; at: number }>('SELECT cls, at FROM hits ORDER BY at')) {
      let log = this.logs.get(row.cls);
      if (!log) this.logs.set(row.cls, (log = []));
      log.push(row.at);
    }
  }

  /** Counts one request of `cls` if fewer than `limit` were admitted in the last `windowMs`. */
  hit(cls: string, limit: number, windowMs = 60_000): RateDecision {
    const now = this.clock();
    let log = this.logs.get(cls);
    if (!log) this.logs.set(cls, (log = []));
    const cutoff = now - windowMs;
    let drop = 0;
    while (drop < log.length && log[drop] <= cutoff) drop++;
    if (drop) {
      log.splice(0, drop);
      this.ctx.storage.sql.exec('DELETE FROM hits WHERE cls = ? AND at <= ?', cls, cutoff);
    }
    const untilOldestLeaves = log.length ? log[0] + windowMs - now : windowMs;
    if (log.length >= limit) {
      // With limit 0 nothing is ever admitted: tell the client to wait a full window.
      const wait = limit > 0 ? log[log.length - limit] + windowMs - now : windowMs;
      return { allowed: false, limit, remaining: 0, reset: Math.max(1, Math.ceil(untilOldestLeaves / 1000)), retryAfter: Math.max(1, Math.ceil(wait / 1000)) };
    }
    log.push(now);
    this.ctx.storage.sql.exec('INSERT INTO hits (cls, at) VALUES (?, ?)', cls, now);
    const decision = {
      allowed: true, limit, remaining: limit - log.length,
      reset: Math.max(1, Math.ceil((log[0] + windowMs - now) / 1000)), retryAfter: 0,
    };
    this.observe('hit', cls, decision);
    return decision;
  }

  /** Takes a concurrency slot for `id` (idempotent: the same id never takes two). */
  acquire(id: string, cap: number, ttlMs: number): LeaseDecision {
    const now = this.clock();
    this.sweep(now);
    const sql = this.ctx.storage.sql;
    const held = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases').one().n;
    if (sql.exec('SELECT 1 FROM leases WHERE id = ?', id).toArray().length) return { acquired: true, held, cap, retryAfter: 0 };
    if (held >= cap) {
      const soonest = sql.exec<{ t: number }>('SELECT MIN(expires_at) AS t FROM leases').one().t;
      // A slot frees when a call ends, which we cannot foresee; suggest a short wait, bounded by the soonest lease expiry.
      return { acquired: false, held, cap, retryAfter: Math.max(1, Math.min(30, Math.ceil((soonest - now) / 1000))) };
    }
    sql.exec('INSERT INTO leases (id, expires_at) VALUES (?, ?)', id, now + ttlMs);
    this.scheduleSweep();
    const decision = { acquired: true, held: held + 1, cap, retryAfter: 0 };
    this.observe('acquire', id, decision);
    return decision;
  }

  /** Gives back the slot held by `id`; releasing twice, or an unknown id, changes nothing. */
  release(id: string): boolean {
    return this.ctx.storage.sql.exec('DELETE FROM leases WHERE id = ?', id).rowsWritten > 0;
  }

  /** The ids holding slots now (for inspection and tests). */
  activeLeases(): string[] {
    this.sweep(this.clock());
    return this.ctx.storage.sql.exec<{ id: string }>('SELECT id FROM leases ORDER BY expires_at').toArray().map((r) => r.id);
  }

  async alarm() {
    this.sweep(this.clock());
    this.scheduleSweep();
  }

  private sweep(now: number) {
    this.ctx.storage.sql.exec('DELETE FROM leases WHERE expires_at <= ?', now);
  }

  private scheduleSweep() {
    const next = this.ctx.storage.sql.exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM leases').one().t;
    if (next !== null) void this.ctx.storage.setAlarm(next);
  }
}
