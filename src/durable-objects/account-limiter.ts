// One object per account (and one per client IP for unauthenticated traffic).
// Rate windows are exact sliding logs; concurrency slots are leases that expire on their own. Hot classes
// (`api`) are spent from permit leases (`take`): a batch of permits an isolate spends without a round trip.
// Every method runs without awaiting, so each decision is atomic: the object handles one call at a time.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { migrateDurableObject, type DoMigrations } from '../lib/do-migrations';
import {
  PERMIT_LEASE_SCHEMA,
  SLIDING_WINDOW_SCHEMA,
  SlidingWindows,
  type RateDecision,
} from '../lib/sliding-window';

export type { RateDecision };

/** What `take` answers: the decision for the request that asked, plus the permits leased beyond it. */
export interface TakeDecision extends RateDecision {
  /** Extra permits the caller may spend, until `ttlMs` after it sent the request; 0 = no lease. */
  permits: number;
  leaseId: string | null;
  ttlMs: number;
}

/** A lease never takes more than this share of what the window has left, so other isolates keep some. */
export const LEASE_SHARE = 0.5;

export interface LeaseDecision {
  acquired: boolean;
  held: number;
  cap: number;
  retryAfter: number;
}

/** This object's storage schema by version (lib/do-migrations.ts); 1 is the schema before versioning, 2 permit leases. */
export const LIMITER_MIGRATIONS: DoMigrations = [
  [
    ...SLIDING_WINDOW_SCHEMA,
    'CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)',
  ],
  [...PERMIT_LEASE_SCHEMA],
];

export class AccountLimiter extends DurableObject<Env> {
  /** Replaceable in tests (runInDurableObject) to drive time by hand. */
  clock: () => number = () => Date.now();
  /** Replaceable in tests to watch every decision (RPC methods cannot be wrapped per instance). */
  observe: (kind: 'hit' | 'acquire', key: string, decision: RateDecision | LeaseDecision) => void = () => {};
  private windows!: SlidingWindows;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrateDurableObject(ctx.storage, LIMITER_MIGRATIONS);
      this.windows = new SlidingWindows(ctx.storage.sql, undefined, true);
    });
  }

  /** Account deletion: its windows and leases go (the empty schema is recreated for any later caller). */
  async purge() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrateDurableObject(this.ctx.storage, LIMITER_MIGRATIONS);
    this.windows = new SlidingWindows(this.ctx.storage.sql, undefined, true);
  }

  /** Counts one request of `cls` if fewer than `limit` were admitted in the last `windowMs`. */
  hit(cls: string, limit: number, windowMs = 60_000): RateDecision {
    const decision = this.windows.hit(cls, limit, windowMs, this.clock());
    if (decision.allowed) this.observe('hit', cls, decision);
    return decision;
  }

  /**
   * Permit leases (README "Rate limits"): settles the caller's previous lease of `cls` (`done`: its id and
   * how many of its permits were spent), counts this request like `hit`, and when admitted leases up to
   * `want` − 1 more permits — at most LEASE_SHARE of what the window still has — that the caller may spend
   * for `ttlMs`. They count as if spent at the lease's deadline, so the window can never admit more than
   * `limit`, whichever isolate spends them.
   */
  take(
    cls: string,
    limit: number,
    windowMs: number,
    want: number,
    ttlMs: number,
    done?: { id: string; used: number },
  ): TakeDecision {
    const now = this.clock();
    if (done) this.windows.settle(cls, done.id, done.used, now);
    const decision = this.windows.hit(cls, limit, windowMs, now);
    if (!decision.allowed) return { ...decision, permits: 0, leaseId: null, ttlMs };
    this.observe('hit', cls, decision);
    const n = Math.min(Math.floor(want) - 1, Math.floor(decision.remaining * LEASE_SHARE));
    const leaseId = n >= 1 ? crypto.randomUUID() : null;
    const permits = leaseId ? this.windows.reserve(leaseId, cls, n, now + ttlMs) : 0;
    return { ...decision, permits, leaseId: permits ? leaseId : null, ttlMs };
  }

  /** Takes a concurrency slot for `id` (idempotent: the same id never takes two). */
  acquire(id: string, cap: number, ttlMs: number): LeaseDecision {
    const now = this.clock();
    this.sweep(now);
    const sql = this.ctx.storage.sql;
    const held = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases').one().n;
    if (sql.exec('SELECT 1 FROM leases WHERE id = ?', id).toArray().length)
      return { acquired: true, held, cap, retryAfter: 0 };
    if (held >= cap) {
      const soonest = sql.exec<{ t: number }>('SELECT MIN(expires_at) AS t FROM leases').one().t;
      // A slot frees when a call ends, which we cannot foresee; suggest a short wait, bounded by the soonest lease expiry.
      return {
        acquired: false,
        held,
        cap,
        retryAfter: Math.max(1, Math.min(30, Math.ceil((soonest - now) / 1000))),
      };
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
    return this.ctx.storage.sql
      .exec<{ id: string }>('SELECT id FROM leases ORDER BY expires_at')
      .toArray()
      .map((r) => r.id);
  }

  async alarm() {
    this.sweep(this.clock());
    this.scheduleSweep();
  }

  private sweep(now: number) {
    this.ctx.storage.sql.exec('DELETE FROM leases WHERE expires_at <= ?', now);
  }

  private scheduleSweep() {
    const next = this.ctx.storage.sql
      .exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM leases')
      .one().t;
    if (next !== null) void this.ctx.storage.setAlarm(next);
  }
}
