// One object per batch: holds its recipients and dials them from alarms — at schedule_at, inside each
// recipient's calling window, paced by the account's calls/min and concurrency (a batch waits, it never
// fails on a 429). Every recipient's call id is fixed before dialling, so a restart never dials twice.
import { DurableObject } from 'cloudflare:workers';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { liveBatchCalls } from '../db/hot-queries';
import { getDb } from '../db/client';
import { accounts, batches, calls } from '../db/schema';
import type { Env } from '../env';
import { isDomainError } from '../lib/errors';
import { hit } from '../lib/faults';
import { migrateDurableObject, type DoMigrations } from '../lib/do-migrations';
import { newId } from '../lib/ids';
import { logger } from '../lib/log';
import { nextOpening, windowOpen, type CallingWindow } from '../lib/calling-window';
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
}
export interface BatchRecipient {
  phone: string;
  variables?: Record<string, unknown>;
  zones: string[];
}
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
];

export class BatchDispatcher extends DurableObject<Env> {
  /** Replaceable in tests: the time the dispatcher believes it is, and how long (real ms) one of its ms lasts. */
  clock: () => number = () => Date.now();
  waitScale = 1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrateDurableObject(ctx.storage, MIGRATIONS);
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
   * Stores recipients `from`… ahead of `init`, as `staged` (never dialled, not counted), so a large batch
   * crosses in several short calls instead of one long block. Re-staging an index replaces it.
   */
  stage(from: number, recipients: BatchRecipient[]) {
    if (this.config()) return;
    this.ctx.storage.transactionSync(() => {
      recipients.forEach((r, k) => {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO recipients (idx, phone, variables, zkey, status) VALUES (?, ?, ?, ?, 'staged')",
          from + k,
          r.phone,
          r.variables ? JSON.stringify(r.variables) : null,
          r.zones.join('|'),
        );
      });
    });
  }

  /** Stores the batch (idempotent): staged recipients and `recipients` become pending; sets the first alarm. */
  async init(config: BatchConfig, recipients: BatchRecipient[]) {
    if (this.config()) return;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("UPDATE recipients SET status = 'pending' WHERE status = 'staged'");
      recipients.forEach((r, idx) => {
        this.ctx.storage.sql.exec(
          "INSERT INTO recipients (idx, phone, variables, zkey, status) VALUES (?, ?, ?, ?, 'pending')",
          idx,
          r.phone,
          r.variables ? JSON.stringify(r.variables) : null,
          r.zones.join('|'),
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
    const db = getDb(this.env.DB);
    const account = await db.query.accounts.findFirst({ where: eq(accounts.id, cfg.accountId) });
    if (!account) return;
    if (!cfg.started && !cfg.canceled) {
      this.ctx.storage.kv.put('config', { ...cfg, started: true });
      await db
        .update(batches)
        .set({ status: 'running', updatedAt: nowSeconds() })
        .where(and(eq(batches.id, cfg.batchId), eq(batches.status, 'scheduled')));
    }

    for (let dialed = 0; dialed < DIALS_PER_ALARM && !this.config()?.canceled; dialed++) {
      const next = this.nextRecipient(cfg.window, this.clock());
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
    if (await this.finished(cfg)) return;
    await this.ctx.storage.setAlarm(this.realTime(this.clock() + POLL_MS)); // waiting for calls to end (callEnded wakes us sooner)
  }

  /** The first pending recipient whose window is open now, or when the next one opens. */
  private nextRecipient(
    window: CallingWindow | null,
    now: number,
  ):
    | { idx: number; phone: string; variables: string | null; call_id: string | null }
    | { waitUntil: number }
    | null {
    const sqlApi = this.ctx.storage.sql;
    const dialing = sqlApi
      .exec<{ idx: number; phone: string; variables: string | null; call_id: string | null }>(
        "SELECT idx, phone, variables, call_id FROM recipients WHERE status = 'dialing' ORDER BY idx LIMIT 1",
      )
      .toArray()[0];
    if (dialing) return dialing; // interrupted mid-dial: finish it with the same call id
    const keys = sqlApi
      .exec<{ zkey: string }>("SELECT DISTINCT zkey FROM recipients WHERE status = 'pending'")
      .toArray()
      .map((r) => r.zkey);
    if (!keys.length) return null;
    const open = keys.filter((k) => windowOpen(window, zonesOf(k, window), now));
    if (!open.length) {
      const times = keys
        .map((k) => nextOpening(window!, zonesOf(k, window), now))
        .filter((t): t is number => t !== null);
      if (!times.length) {
        this.ctx.storage.sql.exec(
          "UPDATE recipients SET status = 'not_dialed', note = 'calling window never opens' WHERE status = 'pending'",
        );
        return null;
      }
      return { waitUntil: Math.min(...times) };
    }
    return (
      sqlApi
        .exec<{ idx: number; phone: string; variables: string | null; call_id: string | null }>(
          `SELECT idx, phone, variables, call_id FROM recipients WHERE status = 'pending' AND zkey IN (${open.map(() => '?').join(',')}) ORDER BY idx LIMIT 1`,
          ...open,
        )
        .toArray()[0] ?? null
    );
  }

  /** Dials one recipient. Returns null when done, or how long (dispatcher ms) to wait before trying again. */
  private async dial(
    cfg: BatchConfig,
    account: typeof accounts.$inferSelect,
    r: { idx: number; phone: string; variables: string | null; call_id: string | null },
  ): Promise<number | null> {
    // The call id is fixed before anything can be placed under it; 'dialing' is set only once the slot and
    // the rate allow it (a cancel that lands meanwhile wins), and a 'dialing' row is resumed after a restart.
    const callId = r.call_id ?? newId('call');
    if (!r.call_id)
      this.ctx.storage.sql.exec('UPDATE recipients SET call_id = ? WHERE idx = ?', callId, r.idx);
    else if (await this.placed(callId)) {
      // Placed before a crash (its CallSession owns it and its slot, and it may have ended): taking a
      // lease for it now would hold a slot nobody releases until the lease expires.
      this.ctx.storage.sql.exec("UPDATE recipients SET status = 'dialed' WHERE idx = ?", r.idx);
      return null;
    }
    const ctx = withAccount(systemCtx(this.env), account);
    // Checked at dial time, so a number suppressed while the batch runs is skipped too (before it costs a slot).
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
        { publicBaseUrl: cfg.publicBaseUrl, batchId: cfg.batchId, callId, suppressionChecked: true },
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

  private async placed(callId: string) {
    const row = await getDb(this.env.DB).query.calls.findFirst({
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
  private async finished(started: StoredConfig) {
    const db = getDb(this.env.DB);
    const [live] = await liveBatchCalls(db, started.batchId, TERMINAL_STATUSES);
    if (live.n > 0) return false;
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

function zonesOf(zkey: string, window: CallingWindow | null): string[] {
  if (!window) return [];
  return zkey ? zkey.split('|') : ['UTC'];
}
