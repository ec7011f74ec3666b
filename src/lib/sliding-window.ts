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

/** The tables SlidingWindows keeps its hits in; part of migration 1 of every object that uses it. */
export const SLIDING_WINDOW_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS hits (cls TEXT NOT NULL, at INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS hits_cls_at ON hits (cls, at)',
] as const;

export class SlidingWindows {
  private logs = new Map<string, { at: number[]; head: number }>();

  /**
   * `defer`, when given, receives each write instead of running it at once: the owner batches them
   * (see RtbExchange). Without it every hit is written through before the answer leaves.
   */
  constructor(
    private readonly sql: SqlStorage,
    private readonly defer?: (write: () => void) => void,
  ) {
    for (const row of sql.exec<{ cls: string; at: number }>('SELECT cls, at FROM hits ORDER BY at'))
      this.log(row.cls).at.push(row.at);
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
    const count = log.at.length - log.head;
    const oldest = count ? log.at[log.head] : now;
    if (count >= limit) {
      // With limit 0 nothing is ever admitted: tell the client to wait a full window.
      const wait = limit > 0 ? log.at[log.at.length - limit] + windowMs - now : windowMs;
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

  private write(fn: () => void) {
    if (this.defer) this.defer(fn);
    else fn();
  }
}
