// Permit leases (issue #15, README "Rate limits and concurrency"): an isolate spends a hot class's
// request permits from a batch its AccountLimiter leased to it, instead of one limiter round trip per
// request. The limiter reserves every leased permit as if spent at the lease's deadline, so all
// isolates together never exceed the window's limit; an isolate may be refused early while another
// holds unspent permits (they come back when their holder reports, or a window after the deadline).
import type { RateDecision, TakeDecision } from '../durable-objects/account-limiter';

/** How long an isolate may spend a lease, measured from when it sent the request for it. */
export const LEASE_TTL_MS = 1_000;
/** No lease is larger than this, whatever the demand. */
export const MAX_LEASE = 10_000;

/** The limiter's side of a lease: AccountLimiter.take through its stub (or any object with that method). */
export interface LeaseSource {
  take(
    cls: string,
    limit: number,
    windowMs: number,
    want: number,
    ttlMs: number,
    done?: { id: string; used: number },
  ): Promise<TakeDecision>;
}

interface Held {
  id: string;
  limit: number;
  permits: number;
  used: number;
  /** Local clock: the lease's deadline, counted from the request's send time (never later than the limiter's). */
  expiresAt: number;
  /** What the window had left after the request that brought the lease (this lease's permits not counted). */
  base: number;
  resetAt: number;
}

interface Slot {
  held: Held | null;
  inflight: Promise<void> | null;
  /** Requests seen since the last round trip, and when that was: the demand a new lease is sized by. */
  seen: number;
  since: number;
}

/** One per isolate (module scope) in the Worker; tests make several to stand for several isolates. */
export class PermitLeases {
  /** Replaceable in tests to drive lease expiry by hand. */
  clock: () => number = () => Date.now();
  private slots = new Map<string, Slot>();

  /**
   * Counts one request of `cls` for `key`: from the held lease when it has a permit left, is unexpired
   * and was leased under the same `limit`; otherwise one round trip that hands back the previous lease
   * (what it spent) and may bring a new one sized by this isolate's recent demand.
   */
  async spend(
    key: string,
    cls: string,
    limit: number,
    windowMs: number,
    source: () => LeaseSource,
  ): Promise<RateDecision> {
    const slot = this.slot(key, cls);
    slot.seen++;
    for (;;) {
      const h = slot.held;
      const now = this.clock();
      if (h && h.limit === limit && h.used < h.permits && now < h.expiresAt) {
        h.used++;
        return {
          allowed: true,
          limit,
          remaining: Math.max(0, h.base - h.used),
          reset: Math.max(1, Math.ceil((h.resetAt - now) / 1000)),
          retryAfter: 0,
        };
      }
      // One round trip at a time per key: concurrent requests wait for its lease rather than each
      // taking their own (a lease overwritten in the map would sit unspent until its window ends).
      if (!slot.inflight) break;
      await slot.inflight;
    }
    const done = slot.held ? { id: slot.held.id, used: slot.held.used } : undefined;
    slot.held = null;
    const sent = this.clock();
    const elapsed = Math.max(1, sent - slot.since);
    const want = Math.min(MAX_LEASE, Math.max(1, Math.ceil((slot.seen * LEASE_TTL_MS) / elapsed)));
    slot.seen = 0;
    slot.since = sent;
    let finished!: () => void;
    slot.inflight = new Promise((r) => {
      finished = r;
    });
    try {
      const d = await source().take(cls, limit, windowMs, want, LEASE_TTL_MS, done);
      if (d.leaseId && d.permits > 0)
        slot.held = {
          id: d.leaseId,
          limit,
          permits: d.permits,
          used: 0,
          expiresAt: sent + d.ttlMs,
          base: d.remaining,
          resetAt: sent + d.reset * 1000,
        };
      return {
        allowed: d.allowed,
        limit: d.limit,
        remaining: d.remaining,
        reset: d.reset,
        retryAfter: d.retryAfter,
      };
    } finally {
      slot.inflight = null;
      finished();
    }
  }

  /** Forgets every held lease (tests); the limiter keeps their permits reserved until their window ends. */
  clear() {
    this.slots.clear();
  }

  private slot(key: string, cls: string): Slot {
    const id = `${key}\u0000${cls}`;
    let slot = this.slots.get(id);
    if (!slot) {
      if (this.slots.size >= 10_000) this.slots.clear();
      slot = { held: null, inflight: null, seen: 0, since: 0 };
      this.slots.set(id, slot);
    }
    return slot;
  }
}
