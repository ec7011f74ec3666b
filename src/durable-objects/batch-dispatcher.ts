// One object per batch: holds its recipients and dials them from alarms — at schedule_at, inside each
// recipient's calling window, paced by the account's calls/min and concurrency (a batch waits, it never
// fails on a 429). Every recipient's call id is fixed before dialling, so a restart never dials twice.
import { DurableObject } from 'cloudflare:workers';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { liveBatchCalls } from '../db/hot-queries';
import { accountDb } from '../db/shards';
import { accounts, batches, calls } from '../db/schema';
import type { Env } from '../env';
import { isDomainError } from '../lib/errors';
import { hit } from '../lib/faults';
import { migrateDurableObject, type DoMigrations } from '../lib/do-migrations';
import { newId } from '../lib/ids';
import { logger } from '../lib/log';
import { windowOpen, type CallingWindow } from '../lib/calling-window';
import { nowSeconds } from '../lib/time';
import { limiterFor } from './stubs';
import { TERMINAL_STATUSES } from '../db/types';
import { createCall } from '../services/calls';
import { isSuppressed } from '../services/suppressions';
import { batchSummary } from '../services/batches';
import { emitEvent } from '../services/events';
import { effectiveLimits, WINDOW_MS } from '../services/limits';
import { leaseTtlMs } from '../services/concurrency';
import { systemCtx, withAccount } from '../services/context';
import type { QuietHours, RedialPolicy } from '../db/schema';
import { quietOpen, recipientZones } from '../services/quiet-hours';
import { policyOutcomes, redialRule } from '../services/redial';

export interface BatchConfig {
  batchId: string;
  accountId: string;
  agentId: string;
  /** Every call uses this agent version (absent in batches created before versions: the current one). */
  agentVersion?: number;
  fromNumber?: string;
  maxDuration?: number;
  scheduleAtMs: number;
  window: CallingWindow | null;
  metadata: Record<string, unknown>;
  publicBaseUrl: string;
  /** The batch's redial policy (its own, else its agent's when created); absent = none. */
  redial?: RedialPolicy | null;
}
export interface BatchRecipient {
  phone: string;
  variables?: Record<string, unknown>;
  zones: string[];
  /** The recipient's own zones, for quiet hours (whatever the calling window's zone). */
  rzones?: string[];
}
type Row = {
  idx: number;
  phone: string;
  variables: string | null;
  call_id: string | null;
  attempt: number;
  first_call_id: string | null;
};
const ROW = 'idx, phone, variables, call_id, attempt, first_call_id';
type StoredConfig = BatchConfig & { canceled?: boolean; completed?: boolean; started?: boolean };
type RecipientStatus = 'pending' | 'dialing' | 'dialed' | 'canceled' | 'not_dialed' | 'suppressed';

/** Work per alarm invocation, so one invocation stays short; the next alarm continues. */
const DIALS_PER_ALARM = 25;
const POLL_MS = 30_000;

/** This object's storage schema by version (lib/do-migrations.ts); 1 is the schema before versioning. */
const MIGRATIONS: DoMigrations = [
  [
    `CREATE TABLE IF NOT EXISTS recipients (
      idx INTEGER PRIMARY KEY, phone TEXT NOT NULL, variables TEXT, zkey TEXT NOT NULL, status TEXT NOT NULL, call_id TEXT, note TEXT)`,
    'CREATE INDEX IF NOT EXISTS recipients_pending ON recipients (status, zkey, idx)',
  ],
  // Redials (attempt, first call, due time) and quiet hours (the recipient's own zones, rzkey).
  [
    'ALTER TABLE recipients ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1',
    'ALTER TABLE recipients ADD COLUMN first_call_id TEXT',
    'ALTER TABLE recipients ADD COLUMN due_at INTEGER',
    'ALTER TABLE recipients ADD COLUMN rzkey TEXT',
    'CREATE INDEX IF NOT EXISTS recipients_phone ON recipients (phone)',
  ],
];

export class BatchDispatcher extends DurableObject<Env> {
  /** Replaceable in tests: the time the dispatcher believes it is, and how long (real ms) one of its ms lasts. */
  clock: () => number = () => Date.now();
  waitScale = 1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrateDurableObject(ctx.storage, MIGRATIONS);
      this.backfillRecipientZones();
    });
  }

  /** Recipients stored before quiet hours existed get their own zones once (an account's zone is read at dial time). */
  private backfillRecipientZones() {
    const rows = this.ctx.storage.sql
      .exec<{ idx: number; phone: string }>(
        "SELECT idx, phone FROM recipients WHERE rzkey IS NULL AND status = 'pending'",
      )
      .toArray();
    if (!rows.length) return;
    this.ctx.storage.transactionSync(() => {
      for (const r of rows)
        this.ctx.storage.sql.exec(
          'UPDATE recipients SET rzkey = ? WHERE idx = ?',
          recipientZones(r.phone, '').filter(Boolean).join('|'),
          r.idx,
        );
    });
  }

  private config() {
    return this.ctx.storage.kv.get<StoredConfig>('config');
  }

  /** Account deletion: the batch's recipients and config go; with no config the alarm loop does nothing. */
  async purge() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrateDurableObject(this.ctx.storage, MIGRATIONS);
  }

  /**
   * Stores recipients `from`… ahead of `init`, so a large batch crosses in several short calls instead of one
   * long block. They are stored as pending, but nothing is dialled or counted until `init` stores the config
   * (no config: no alarm, counts are zero), so `init` stays O(1) instead of rewriting every row. A batch whose
   * creation fails before `init` leaves inert rows. Re-staging an index replaces it.
   */
  stage(from: number, recipients: BatchRecipient[]) {
    if (this.config()) return;
    this.ctx.storage.transactionSync(() => {
      recipients.forEach((r, k) => {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO recipients (idx, phone, variables, zkey, rzkey, status) VALUES (?, ?, ?, ?, ?, 'pending')",
          from + k,
          r.phone,
          r.variables ? JSON.stringify(r.variables) : null,
          r.zones.join('|'),
          // Quiet hours are judged in the recipient's own zones, as init stores them.
          (r.rzones ?? recipientZones(r.phone, '')).filter(Boolean).join('|'),
        );
      });
    });
  }

  /** Stores the batch (idempotent): staged recipients and `recipients` become live; sets the first alarm. */
  async init(config: BatchConfig, recipients: BatchRecipient[]) {
    if (this.config()) return;
    this.ctx.storage.transactionSync(() => {
      recipients.forEach((r, idx) => {
        this.ctx.storage.sql.exec(
          "INSERT INTO recipients (idx, phone, variables, zkey, rzkey, status) VALUES (?, ?, ?, ?, ?, 'pending')",
          idx,
          r.phone,
          r.variables ? JSON.stringify(r.variables) : null,
          r.zones.join('|'),
          (r.rzones ?? recipientZones(r.phone, '')).filter(Boolean).join('|'),
        );
      });
      this.ctx.storage.kv.put('config', config);
    });
    await this.ctx.storage.setAlarm(this.realTime(Math.max(this.clock(), config.scheduleAtMs)));
  }

  /** Pending recipients are canceled; calls already placed finish. */
  async cancel() {
    const cfg = this.config();
    if (!cfg || cfg.completed) return this.counts();
    this.ctx.storage.sql.exec("UPDATE recipients SET status = 'canceled' WHERE status = 'pending'");
    this.ctx.storage.kv.put('config', { ...cfg, canceled: true });
    await this.ctx.storage.setAlarm(Date.now());
    return this.counts();
  }

  /**
   * The cron watchdog (src/services/watchdog.ts): a batch that is not done gets its alarm back if the
   * platform gave up retrying it. Idempotent: an alarm already set is left alone.
   */
  async wake(): Promise<boolean> {
    const cfg = this.config();
    if (!cfg || cfg.completed || (await this.ctx.storage.getAlarm()) !== null) return false;
    await this.ctx.storage.setAlarm(Date.now());
    return true;
  }

  /** A call of this batch ended: its slot is free and the batch may be done. */
  async callEnded() {
    await this.ctx.storage.setAlarm(Date.now());
  }

  counts(): Record<RecipientStatus, number> {
    const out: Record<RecipientStatus, number> = {
      pending: 0,
      dialing: 0,
      dialed: 0,
      canceled: 0,
      not_dialed: 0,
      suppressed: 0,
    };
    if (!this.config()) return out; // staged, not yet a batch
    for (const row of this.ctx.storage.sql.exec<{ status: RecipientStatus; n: number }>(
      'SELECT status, COUNT(*) AS n FROM recipients GROUP BY status',
    ))
      out[row.status] = row.n;
    return out;
  }

  /** Dispatcher time → the real time to set an alarm for. */
  private realTime(at: number) {
    return Date.now() + Math.max(0, at - this.clock()) * this.waitScale;
  }

  async alarm() {
    const cfg = this.config();
    if (!cfg || cfg.completed) return;
    const now = this.clock();
    if (!cfg.canceled && now < cfg.scheduleAtMs) {
      await this.ctx.storage.setAlarm(this.realTime(cfg.scheduleAtMs));
      return;
    }
    const db = accountDb(this.env, cfg.accountId);
    const account = await db.query.accounts.findFirst({ where: eq(accounts.id, cfg.accountId) });
    if (!account) return;
    if (!cfg.started && !cfg.canceled) {
      this.ctx.storage.kv.put('config', { ...cfg, started: true });
      await db
        .update(batches)
        .set({ status: 'running', updatedAt: nowSeconds() })
        .where(and(eq(batches.id, cfg.batchId), eq(batches.status, 'scheduled')));
    }

    await this.settle(cfg);
    const quiet = account.quietHours ?? null;
    const quietZones = (rzkey: string | null) => (rzkey ? rzkey.split('|') : [account.timezone]);
    for (let dialed = 0; dialed < DIALS_PER_ALARM && !this.config()?.canceled; dialed++) {
      const next = this.nextRecipient(cfg.window, this.clock(), quiet, quietZones);
      if (!next) break;
      if ('waitUntil' in next) {
        await this.ctx.storage.setAlarm(this.realTime(next.waitUntil));
        return;
      }
      const wait = await this.dial(cfg, account, next);
      if (wait !== null) {
        await this.ctx.storage.setAlarm(this.realTime(this.clock() + wait));
        return;
      }
    }
    const left = this.counts();
    if (left.pending + left.dialing > 0) {
      await this.ctx.storage.setAlarm(Date.now());
      return;
    }
    const done = await this.finished(cfg);
    if (done === 'redialed') {
      await this.ctx.storage.setAlarm(Date.now());
      return;
    }
    if (done) return;
    await this.ctx.storage.setAlarm(this.realTime(this.clock() + POLL_MS)); // waiting for calls to end (callEnded wakes us sooner)
  }

  /**
   * The first pending recipient that is due (a redial waits for its time) and whose calling window and
   * quiet hours are both open now, or when the next one may be dialled.
   */
  private nextRecipient(
    window: CallingWindow | null,
    now: number,
    quiet: QuietHours | null,
    quietZones: (rzkey: string | null) => string[],
  ): Row | { waitUntil: number } | null {
    const sqlApi = this.ctx.storage.sql;
    const dialing = sqlApi
      .exec<Row>(`SELECT ${ROW} FROM recipients WHERE status = 'dialing' ORDER BY idx LIMIT 1`)
      .toArray()[0];
    if (dialing) return dialing; // interrupted mid-dial: finish it with the same call id
    const groups = sqlApi
      .exec<{ zkey: string; rzkey: string | null }>(
        "SELECT DISTINCT zkey, rzkey FROM recipients WHERE status = 'pending' AND coalesce(due_at, 0) <= ?",
        now,
      )
      .toArray();
    const laterDue = sqlApi
      .exec<{ t: number | null }>(
        "SELECT MIN(due_at) AS t FROM recipients WHERE status = 'pending' AND due_at > ?",
        now,
      )
      .one().t;
    if (!groups.length) return laterDue === null ? null : { waitUntil: laterDue };
    const openAt = (g: { zkey: string; rzkey: string | null }, t: number) =>
      windowOpen(window, zonesOf(g.zkey, window), t) && quietOpen(quiet, quietZones(g.rzkey), t);
    const open = groups.filter((g) => openAt(g, now));
    if (!open.length) {
      const times = groups
        .map((g) => firstOpening((t) => openAt(g, t), now))
        .filter((t): t is number => t !== null);
      if (laterDue !== null) times.push(laterDue);
      if (!times.length) {
        this.ctx.storage.sql.exec(
          "UPDATE recipients SET status = 'not_dialed', note = 'calling window never opens' WHERE status = 'pending' AND coalesce(due_at, 0) <= ?",
          now,
        );
        return null;
      }
      return { waitUntil: Math.min(...times) };
    }
    const cond = open.map(() => "(zkey = ? AND coalesce(rzkey, '') = ?)").join(' OR ');
    return (
      sqlApi
        .exec<Row>(
          `SELECT ${ROW} FROM recipients WHERE status = 'pending' AND coalesce(due_at, 0) <= ? AND (${cond}) ORDER BY idx LIMIT 1`,
          now,
          ...open.flatMap((g) => [g.zkey, g.rzkey ?? '']),
        )
        .toArray()[0] ?? null
    );
  }

  /**
   * Redials (README "Redials"): every ended attempt its policy redials, not yet followed by one, goes back
   * to `pending` with `attempt + 1` and a due time, in one storage transaction; then the ended call is marked
   * in D1 (`next_attempt_at`, so the batch counts the recipient once, by its final attempt). A crash between
   * the two is repaired on the next alarm (the recipient has moved on: only the mark is written). Returns how
   * many redials it scheduled.
   */
  private async settle(cfg: StoredConfig): Promise<number> {
    const outcomes = policyOutcomes(cfg.redial);
    if (!outcomes.length || cfg.canceled) return 0;
    const db = accountDb(this.env, cfg.accountId);
    const conds = outcomes.map(({ outcome, maxAttempt }) =>
      outcome === 'voicemail'
        ? sql`(${calls.status} = 'completed' AND (${calls.endReason} = 'voicemail' OR ${calls.outcome} = 'voicemail') AND ${calls.attempt} <= ${maxAttempt})`
        : sql`(${calls.status} = ${outcome} AND ${calls.attempt} <= ${maxAttempt})`,
    );
    const ended = await db
      .select({
        id: calls.id,
        phone: calls.toNumber,
        status: calls.status,
        endReason: calls.endReason,
        outcome: calls.outcome,
        attempt: calls.attempt,
      })
      .from(calls)
      .where(
        and(
          eq(calls.batchId, cfg.batchId),
          isNull(calls.nextAttemptAt),
          sql`(${sql.join(conds, sql` OR `)})`,
        ),
      );
    let scheduled = 0;
    for (const c of ended) {
      const rule = redialRule(cfg.redial, c);
      if (!rule) continue;
      const r = this.ctx.storage.sql
        .exec<{
          idx: number;
          status: string;
          call_id: string | null;
          attempt: number;
          due_at: number | null;
        }>('SELECT idx, status, call_id, attempt, due_at FROM recipients WHERE phone = ?', c.phone)
        .toArray()[0];
      if (!r) continue;
      let dueMs: number | null = null;
      if (r.attempt > c.attempt)
        dueMs = r.due_at ?? this.clock(); // recorded before a crash: only the mark is missing
      else if (r.status === 'dialed' && r.call_id === c.id) {
        await hit('batch-before-redial', this.ctx);
        const due = this.clock() + rule.after_seconds * 1000;
        let moved = 0;
        this.ctx.storage.transactionSync(() => {
          if (this.config()?.canceled) return; // a cancel that landed while D1 answered wins
          moved = this.ctx.storage.sql.exec(
            `UPDATE recipients SET status = 'pending', attempt = attempt + 1, first_call_id = coalesce(first_call_id, call_id),
               call_id = NULL, due_at = ? WHERE idx = ? AND status = 'dialed' AND call_id = ?`,
            due,
            r.idx,
            c.id,
          ).rowsWritten;
        });
        if (!moved) continue;
        scheduled++;
        dueMs = due;
        await this.ctx.storage.sync(); // the redial is on disk before D1 hears of it
        await hit('batch-before-redial-mark', this.ctx);
      }
      if (dueMs !== null)
        await db
          .update(calls)
          .set({ nextAttemptAt: Math.ceil(dueMs / 1000) })
          .where(and(eq(calls.id, c.id), isNull(calls.nextAttemptAt)));
    }
    return scheduled;
  }

  /** Dials one recipient. Returns null when done, or how long (dispatcher ms) to wait before trying again. */
  private async dial(
    cfg: BatchConfig,
    account: typeof accounts.$inferSelect,
    r: Row,
  ): Promise<number | null> {
    // The call id is fixed before anything can be placed under it; 'dialing' is set only once the slot and
    // the rate allow it (a cancel that lands meanwhile wins), and a 'dialing' row is resumed after a restart.
    const callId = r.call_id ?? newId('call');
    if (!r.call_id)
      this.ctx.storage.sql.exec('UPDATE recipients SET call_id = ? WHERE idx = ?', callId, r.idx);
    else if (await this.placed(account.id, callId)) {
      // Placed before a crash (its CallSession owns it and its slot, and it may have ended): taking a
      // lease for it now would hold a slot nobody releases until the lease expires.
      this.ctx.storage.sql.exec("UPDATE recipients SET status = 'dialed' WHERE idx = ?", r.idx);
      return null;
    }
    const ctx = withAccount(systemCtx(this.env), account);
    // Checked at dial time, every attempt (redials too), so a number suppressed while the batch runs is
    // skipped (before it costs a slot) and counted as suppressed.
    if (await isSuppressed(ctx, r.phone, 'call')) {
      this.ctx.storage.sql.exec(
        "UPDATE recipients SET status = 'suppressed', note = 'on the suppression list' WHERE idx = ? AND status IN ('pending', 'dialing')",
        r.idx,
      );
      return null;
    }
    const limits = effectiveLimits(account);
    const limiter = limiterFor(this.env, account.id);
    const maxDuration = cfg.maxDuration ?? 1800;
    const lease = await limiter.acquire(callId, limits.concurrent_calls, leaseTtlMs(maxDuration));
    if (!lease.acquired) return Math.min(lease.retryAfter * 1000, 5_000); // callEnded() usually wakes us first
    const rate = await limiter.hit('calls', limits.calls_per_minute, WINDOW_MS);
    if (!rate.allowed) {
      await limiter.release(callId);
      return rate.retryAfter * 1000;
    }
    const claimed = this.ctx.storage.sql.exec(
      "UPDATE recipients SET status = 'dialing' WHERE idx = ? AND status IN ('pending', 'dialing')",
      r.idx,
    ).rowsWritten;
    if (!claimed) {
      await limiter.release(callId);
      return null;
    } // canceled while we waited
    try {
      await createCall(
        ctx,
        {
          agent_id: cfg.agentId,
          agent_version: cfg.agentVersion,
          recipient_phone: r.phone,
          variables: r.variables ? JSON.parse(r.variables) : undefined,
          from_number: cfg.fromNumber,
          max_duration: cfg.maxDuration,
          metadata: cfg.metadata,
        },
        {
          publicBaseUrl: cfg.publicBaseUrl,
          batchId: cfg.batchId,
          callId,
          suppressionChecked: true,
          attempt: r.attempt,
          firstCallId: r.first_call_id ?? undefined,
        },
      );
      await hit('batch-after-create-call', this.ctx);
      this.ctx.storage.sql.exec("UPDATE recipients SET status = 'dialed' WHERE idx = ?", r.idx);
    } catch (err) {
      if (isDomainError(err, 'unprocessable', 'not_found')) {
        // The agent was deactivated or deleted, or the number released: this recipient cannot be called.
        await limiter.release(callId);
        this.ctx.storage.sql.exec(
          "UPDATE recipients SET status = 'not_dialed', note = ? WHERE idx = ?",
          err.message,
          r.idx,
        );
        return null;
      }
      logger(this.env).error('batch dial failed; will retry', { batch_id: cfg.batchId, error: String(err) });
      return 5_000;
    }
    return null;
  }

  private async placed(accountId: string, callId: string) {
    const row = await accountDb(this.env, accountId).query.calls.findFirst({
      where: eq(calls.id, callId),
      columns: { id: true },
    });
    return !!row;
  }

  /**
   * When every recipient is accounted for and every placed call has ended, the batch is done: completed
   * with batch.completed, or canceled (no event). The configuration is read again after the awaits, so
   * a cancel() that arrived meanwhile is never overwritten by the state read when the alarm began.
   */
  private async finished(started: StoredConfig): Promise<boolean | 'redialed'> {
    const db = accountDb(this.env, started.accountId);
    const [live] = await liveBatchCalls(db, started.batchId, TERMINAL_STATUSES);
    if (live.n > 0) return false;
    // Every call has ended: one that ended since the alarm began may still need its redial.
    if ((await this.settle(this.config() ?? started)) > 0) return 'redialed';
    await hit('batch-before-finish', this.ctx);
    const cfg = this.config() ?? started;
    if (cfg.completed) return true;
    this.ctx.storage.kv.put('config', { ...cfg, completed: true });
    const now = nowSeconds();
    if (cfg.canceled) {
      await db
        .update(batches)
        .set({ status: 'canceled', completedAt: now, updatedAt: now })
        .where(eq(batches.id, cfg.batchId));
      return true;
    }
    // cancelBatch marks D1 first: a cancel racing this write keeps its status.
    const [done] = await db
      .update(batches)
      .set({ status: 'completed', completedAt: now, updatedAt: now })
      .where(and(eq(batches.id, cfg.batchId), ne(batches.status, 'canceled')))
      .returning({ id: batches.id });
    if (!done) {
      await db
        .update(batches)
        .set({ completedAt: now, updatedAt: now })
        .where(and(eq(batches.id, cfg.batchId), isNull(batches.completedAt)));
      return true;
    }
    const batch = await batchSummary(withAccount(systemCtx(this.env), { id: cfg.accountId }), cfg.batchId);
    await emitEvent(
      withAccount(systemCtx(this.env), { id: cfg.accountId }),
      'batch.completed',
      { batch },
      { dedupeKey: `${cfg.batchId}:batch.completed` },
    );
    return true;
  }
}

/** The first minute at or after `ms` when `open` holds, or null within 8 days. */
function firstOpening(open: (t: number) => boolean, ms: number): number | null {
  const minute = 60_000;
  let t = Math.ceil(ms / minute) * minute;
  for (let i = 0; i < 8 * 24 * 60; i++, t += minute) if (open(t)) return t;
  return null;
}

function zonesOf(zkey: string, window: CallingWindow | null): string[] {
  if (!window) return [];
  return zkey ? zkey.split('|') : ['UTC'];
}
