// Exact sliding-window counters kept in a Durable Object: an in-memory log per class, written through to
// the object's SQLite so eviction cannot reset a window. Call from inside a DO method with no awaits.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (at least one unit frees). */
  reset: number;
  /** Whole seconds to wait when refused; never earlier than the window really frees. */
  retryAfter: number;
}

/**
 * Reserved permits (permit leases, README "Rate limits"): `n` permits of `cls` that a holder may spend
 * until `at`, so each counts in every window that could contain its spending: until `at` + window.
 */
export const PERMIT_LEASE_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS permit_leases (id TEXT PRIMARY KEY, cls TEXT NOT NULL, at INTEGER NOT NULL, n INTEGER NOT NULL, settled INTEGER NOT NULL DEFAULT 0)',
] as const;

export interface Reservation {
  at: number;
  n: number;
  /** Its holder reported what it spent: `n` and `at` are final. */
  settled: boolean;
}

/** The tables SlidingWindows keeps its hits in; part of migration 1 of every object that uses it. */
export const SLIDING_WINDOW_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS hits (cls TEXT NOT NULL, at INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS hits_cls_at ON hits (cls, at)',
] as const;

export class SlidingWindows {
  private logs = new Map<string, { at: number[]; head: number }>();
  /** cls → lease id → its reserved permits; only with `leases` (the table exists). */
  private reserved = new Map<string, Map<string, Reservation>>();

  /**
   * `defer`, when given, receives each write instead of running it at once: the owner batches them
   * (see RtbExchange). Without it every hit is written through before the answer leaves.
   */
  constructor(
    private readonly sql: SqlStorage,
    private readonly defer?: (write: () => void) => void,
    private readonly leases = false,
  ) {
    for (const row of sql.exec<{ cls: string; at: number }>('SELECT cls, at FROM hits ORDER BY at'))
      this.log(row.cls).at.push(row.at);
    if (leases)
      for (const r of sql.exec<{ id: string; cls: string; at: number; n: number; settled: number }>(
        'SELECT * FROM permit_leases',
      ))
        this.reservationsOf(r.cls).set(r.id, { at: r.at, n: r.n, settled: r.settled === 1 });
  }

  private reservationsOf(cls: string) {
    let m = this.reserved.get(cls);
    if (!m) this.reserved.set(cls, (m = new Map()));
    return m;
  }

  /**
   * Reserves `n` permits of `cls` for a holder that may spend them until `until`. The caller decides `n`
   * from the `remaining` of an admitted `hit` made in the same synchronous step, so the window never holds
   * more than its limit in hits and reserved permits together.
   */
  reserve(id: string, cls: string, n: number, until: number): number {
    if (!this.leases || n < 1) return 0;
    this.reservationsOf(cls).set(id, { at: until, n, settled: false });
    this.write(() =>
      this.sql.exec('INSERT INTO permit_leases (id, cls, at, n) VALUES (?, ?, ?, ?)', id, cls, until, n),
    );
    return n;
  }

  /**
   * The holder of lease `id` is done with it and spent `used` permits, all before `now`: the unspent ones
   * are free at once; the spent ones count until min(deadline, now) + window. Unknown or already settled
   * ids change nothing, so a repeated report cannot free anything twice.
   */
  settle(cls: string, id: string, used: number, now: number) {
    const m = this.reserved.get(cls);
    const r = m?.get(id);
    if (!m || !r || r.settled) return;
    r.n = Math.max(0, Math.min(r.n, Math.floor(used)));
    r.at = Math.min(r.at, now);
    r.settled = true;
    if (!r.n) m.delete(id);
    this.write(() =>
      r.n
        ? this.sql.exec('UPDATE permit_leases SET n = ?, at = ?, settled = 1 WHERE id = ?', r.n, r.at, id)
        : this.sql.exec('DELETE FROM permit_leases WHERE id = ?', id),
    );
  }

  /** Reserved permits of `cls` still counting at `now` (expired reservations are dropped). */
  private reservedCount(cls: string, cutoff: number): { count: number; list: Reservation[] } {
    const m = this.reserved.get(cls);
    if (!m?.size) return { count: 0, list: [] };
    let count = 0;
    const list: Reservation[] = [];
    for (const [id, r] of m) {
      if (r.at <= cutoff) {
        m.delete(id);
        this.write(() => this.sql.exec('DELETE FROM permit_leases WHERE id = ?', id));
      } else {
        count += r.n;
        list.push(r);
      }
    }
    return { count, list };
  }

  private log(cls: string) {
    let log = this.logs.get(cls);
    if (!log) this.logs.set(cls, (log = { at: [], head: 0 }));
    return log;
  }

  /** Counts one request of `cls` if fewer than `limit` were admitted in the `windowMs` before `now`. */
  hit(cls: string, limit: number, windowMs: number, now: number): RateDecision {
    const log = this.log(cls);
    const cutoff = now - windowMs;
    const before = log.head;
    while (log.head < log.at.length && log.at[log.head] <= cutoff) log.head++;
    if (log.head !== before) {
      this.write(() => this.sql.exec('DELETE FROM hits WHERE cls = ? AND at <= ?', cls, cutoff));
      // Compact now and then rather than shifting the array on every request.
      if (log.head > 1024 && log.head * 2 > log.at.length) {
        log.at = log.at.slice(log.head);
        log.head = 0;
      }
    }
    const res = this.reservedCount(cls, cutoff);
    const hits = log.at.length - log.head;
    const count = hits + res.count;
    let oldest = hits ? log.at[log.head] : now;
    for (const r of res.list) oldest = Math.min(oldest, r.at);
    if (count >= limit) {
      // With limit 0 nothing is ever admitted: tell the client to wait a full window. Otherwise wait until
      // the (count − limit + 1)-th oldest entry (hit or reserved permit) leaves the window.
      const wait = limit > 0 ? this.nthOldest(log, res.list, count - limit) + windowMs - now : windowMs;
      return {
        allowed: false,
        limit,
        remaining: 0,
        reset: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
        retryAfter: Math.max(1, Math.ceil(wait / 1000)),
      };
    }
    log.at.push(now);
    this.write(() => this.sql.exec('INSERT INTO hits (cls, at) VALUES (?, ?)', cls, now));
    const first = count ? oldest : now;
    return {
      allowed: true,
      limit,
      remaining: limit - count - 1,
      reset: Math.max(1, Math.ceil((first + windowMs - now) / 1000)),
      retryAfter: 0,
    };
  }

  /** The `k`-th (0-based) oldest of the hits in the window and the reserved permits (each counted n times). */
  private nthOldest(log: { at: number[]; head: number }, res: Reservation[], k: number): number {
    if (!res.length) return log.at[log.head + k];
    const sorted = [...res].sort((a, b) => a.at - b.at);
    let i = log.head;
    let j = 0;
    let left = k;
    for (;;) {
      const hit = i < log.at.length ? log.at[i] : Number.POSITIVE_INFINITY;
      const r = j < sorted.length ? sorted[j] : undefined;
      if (r && r.at < hit) {
        if (left < r.n) return r.at;
        left -= r.n;
        j++;
      } else {
        if (left === 0 || !Number.isFinite(hit)) return hit;
        left--;
        i++;
      }
    }
  }

  private write(fn: () => void) {
    if (this.defer) this.defer(fn);
    else fn();
  }
}
