// One object per call: the only writer of a call's status (README "Calls and their lifecycle"). Provider events, API commands and
// timers all pass through `serial`, so late or repeated callbacks cannot reorder a call. Every transition
// first records its side effects in an outbox (saved), then performs them; an interrupted object finishes
// the outbox on its next alarm, and events carry dedupe keys, so nothing is lost or sent twice.
import { DurableObject } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { accountDb } from '../db/shards';
import { calls } from '../db/schema';
import type { Env } from '../env';
import { hit, InjectedFault } from '../lib/faults';
import { logger } from '../lib/log';
import { simulateOptions } from '../providers/telephony/simulator';
import type { ProviderEvent } from '../providers/telephony';
import { telephonyForAccount } from '../services/provider-credentials';
import type { DialResult } from '../providers/telephony/types';
import { meetsSuccessCriterion, simulateConversation } from '../services/call-analysis';
import { TERMINAL_STATUSES, type CallRow, type CallStatus } from '../db/types';
import { presentCall } from '../services/calls';
import { releaseCallSlot } from '../services/concurrency';
import { emitEvent, type EventType } from '../services/events';
import { agentVersionForCall, dialAgentOf } from '../services/agents';
import { reportsOptOut, suppressAutomatically } from '../services/suppressions';
import { dispatcherFor, exchangeFor } from './stubs';
import { conversionAfterSeconds, type CallRtb } from '../services/rtb-match';
import { systemCtx, withAccount } from '../services/context';
import { admitScheduledCall, scheduleSingleRedial } from '../services/redial';
import { newId } from '../lib/ids';

const RANK: Record<CallStatus, number> = {
  scheduled: -1,
  queued: 0,
  initiated: 1,
  ringing: 2,
  in_progress: 3,
  completed: 4,
  busy: 4,
  no_answer: 4,
  failed: 4,
  canceled: 4,
};
export const DURATION_MARKS = [5, 15, 30, 45, 60] as const;
const isTerminal = (s: CallStatus) => TERMINAL_STATUSES.includes(s);
const sec = (ms: number) => Math.floor(ms / 1000);

type Timer =
  | { at: number; kind: 'dial' }
  /** A `scheduled` call (quiet hours, a redial): at `at` it takes a slot and becomes `queued`. */
  | { at: number; kind: 'scheduled' }
  | { at: number; kind: 'provider'; event: ProviderEvent }
  | { at: number; kind: 'mark'; mark: number }
  | { at: number; kind: 'max_duration' }
  | { at: number; kind: 'rtb_convert' };

type Effect =
  | { kind: 'update'; set: Partial<CallRow> }
  | { kind: 'emit'; type: EventType; extra?: Record<string, unknown> }
  | { kind: 'finalize' }
  | { kind: 'release' }
  /** A single call ended: its redial policy may place `nextId` later (services/redial.ts). */
  | { kind: 'redial'; nextId: string };

export interface SessionState {
  callId: string;
  accountId: string;
  provider: string;
  providerCallId: string | null;
  /** Set (and saved) just before provider.dial(): a restart that finds it reconciles instead of dialling. */
  dialIntentAtMs?: number;
  direction: 'outbound' | 'inbound';
  batchId?: string;
  rtb?: CallRtb;
  status: CallStatus;
  timeScale: number;
  publicBaseUrl: string;
  maxDuration: number;
  startedAtMs: number | null;
  answeredAtMs: number | null;
  endedAtMs: number | null;
  converted: boolean;
  timers: Timer[];
  outbox: Effect[];
}

/** What the watchdog knows of a call from D1, enough to close a call whose session never started. */
export type WakeCall = Pick<
  SessionState,
  'callId' | 'accountId' | 'provider' | 'direction' | 'maxDuration' | 'publicBaseUrl' | 'batchId'
>;

export interface StartSession {
  callId: string;
  accountId: string;
  provider: string;
  direction: 'outbound' | 'inbound';
  maxDuration: number;
  publicBaseUrl: string;
  timeScale: number;
  status?: CallStatus;
  script?: Array<{ afterMs: number; event: ProviderEvent }>;
  /** The provider's id of a call it placed to us (Twilio's inbound CallSid): how /end reaches the real call. */
  providerCallId?: string;
  /** false for calls another runtime dials (they arrive through /v2/webhooks/call-events). */
  dial?: boolean;
  batchId?: string;
  /** The RTB bid this inbound call won: it converts by the route's payout condition. */
  rtb?: CallRtb;
  /** A `scheduled` call: dialled at this time (after taking a slot), not now. */
  scheduledAtMs?: number;
}

export class CallSession extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after everything before it: one transition at a time, even across awaits. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private load() {
    return this.ctx.storage.get<SessionState>('state');
  }

  /** When an ended call's storage goes: CALL_SESSION_GRACE_SECONDS (default 7 days) after it ended. */
  private cleanupAt(s: SessionState) {
    const grace = Number(this.env.CALL_SESSION_GRACE_SECONDS);
    return (s.endedAtMs ?? Date.now()) + (Number.isFinite(grace) && grace >= 0 ? grace : 7 * 86_400) * 1000;
  }

  private async save(s: SessionState) {
    await this.ctx.storage.put('state', s);
    const timers = s.timers.map((t) => t.at);
    if (isTerminal(s.status)) timers.push(this.cleanupAt(s));
    const next = s.outbox.length ? Date.now() : Math.min(...timers);
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAlarm();
  }

  /** Creates the session (idempotent). Outbound calls dial from the alarm, so a slow provider never blocks the API. */
  start(init: StartSession): Promise<SessionState> {
    return this.serial(async () => {
      const existing = await this.load();
      if (existing) return existing;
      const now = Date.now();
      const s: SessionState = {
        callId: init.callId,
        accountId: init.accountId,
        provider: init.provider,
        providerCallId: init.providerCallId ?? null,
        direction: init.direction,
        batchId: init.batchId,
        rtb: init.rtb,
        status: init.scheduledAtMs !== undefined ? 'scheduled' : (init.status ?? 'queued'),
        timeScale: init.timeScale,
        publicBaseUrl: init.publicBaseUrl,
        maxDuration: init.maxDuration,
        startedAtMs: init.status && init.status !== 'queued' ? now : null,
        answeredAtMs: null,
        endedAtMs: null,
        converted: false,
        timers:
          init.scheduledAtMs !== undefined
            ? [{ at: init.scheduledAtMs, kind: 'scheduled' }]
            : init.direction === 'outbound' && init.dial !== false
              ? [{ at: now, kind: 'dial' }]
              : (init.script ?? []).map((x) => ({
                  at: now + x.afterMs,
                  kind: 'provider' as const,
                  event: x.event,
                })),
        outbox: init.direction === 'inbound' ? [{ kind: 'emit', type: 'call.incoming' }] : [],
      };
      await this.save(s);
      await this.drain(s);
      return s;
    });
  }

  /** A provider callback (Twilio, the simulator's script, an external runtime). Returns whether it changed the call. */
  providerEvent(event: ProviderEvent): Promise<boolean> {
    return this.serial(async () => {
      const s = await this.load();
      if (!s) return false;
      const changed = this.transition(s, event);
      await this.save(s);
      await this.drain(s);
      return changed;
    });
  }

  /** POST /v1/calls/{id}/end (and max_duration): hang up whatever stage the call is in. */
  hangup(reason = 'api_hangup', by: ProviderEvent['hangupBy'] = 'api'): Promise<SessionState | null> {
    return this.serial(async () => {
      const s = await this.load();
      if (!s || isTerminal(s.status)) return s ?? null;
      await this.hangupNow(s, reason, by);
      return s;
    });
  }

  /** POST /v1/calls/{id}/cancel: a call that has not been answered (queued, dialling or ringing). */
  cancel(): Promise<SessionState | null> {
    return this.serial(async () => {
      const s = await this.load();
      if (!s || RANK[s.status] >= RANK.in_progress) return s ?? null;
      await this.hangupNow(s, 'canceled', 'api');
      return s;
    });
  }

  /** Records a conversion once (POST /v1/calls/{id}/convert, an RTB payout condition, a success criterion). */
  convert(payout: number | null, reason: string): Promise<{ converted: boolean; already: boolean }> {
    return this.serial(async () => {
      const s = await this.load();
      if (!s) return { converted: false, already: false };
      if (s.converted) return { converted: true, already: true };
      s.converted = true;
      s.outbox.push(
        { kind: 'update', set: { converted: true, payout } },
        { kind: 'emit', type: 'call.converted', extra: { payout, reason } },
      );
      await this.save(s);
      await this.drain(s);
      return { converted: true, already: false };
    });
  }

  getState(): Promise<SessionState | undefined> {
    return this.load();
  }

  /**
   * Timers and the outbox; and once an ended call's grace period is over (its outbox empty, so D1 has
   * everything), the object deletes its storage and alarm: the call lives on in D1 only.
   */
  async alarm() {
    await this.serial(async () => {
      const s = await this.load();
      if (!s) return;
      await this.tick(s);
      if (isTerminal(s.status) && !s.outbox.length && Date.now() >= this.cleanupAt(s)) {
        await this.ctx.storage.deleteAlarm();
        await this.ctx.storage.deleteAll();
      }
    });
  }

  /** Account deletion: forget everything now, whatever state the call is in. */
  purge(): Promise<void> {
    return this.serial(async () => {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
    });
  }

  /**
   * The cron watchdog (src/services/watchdog.ts) for a call D1 still shows live: finishes the outbox and
   * any due timers, and re-arms the alarm, whether or not the platform gave up retrying it. Idempotent.
   * A call whose session was never created (a crash between the row and the session) was never dialled:
   * it fails as `session_lost`, which also frees its slot.
   */
  wake(call: WakeCall, marginMs = 120_000): Promise<CallStatus | null> {
    return this.serial(async () => {
      const existing = await this.load();
      if (existing) {
        await this.tick(existing);
        // Past max_duration by the margin, the provider has ended the call itself (Twilio's TimeLimit):
        // a final callback that never came must not keep it live forever.
        const since = existing.answeredAtMs ?? existing.startedAtMs;
        const limit = existing.maxDuration * 1000 * existing.timeScale + marginMs;
        if (!isTerminal(existing.status) && since !== null && Date.now() - since > limit) {
          this.transition(
            existing,
            existing.status === 'in_progress'
              ? {
                  status: 'completed',
                  endReason: 'max_duration',
                  hangupBy: 'system',
                  duration: existing.maxDuration,
                }
              : { status: 'failed', endReason: 'stalled', hangupBy: 'system' },
          );
          await this.save(existing);
          await this.drain(existing);
        }
        return existing.status;
      }
      const s: SessionState = {
        ...call,
        providerCallId: null,
        status: 'queued',
        timeScale: 1,
        startedAtMs: null,
        answeredAtMs: null,
        endedAtMs: null,
        converted: false,
        timers: [],
        outbox: [],
      };
      this.transition(s, { status: 'failed', endReason: 'session_lost', hangupBy: 'system' });
      await this.save(s);
      await this.drain(s);
      return s.status;
    });
  }

  /** Drains the outbox and runs every due timer, saving after each step. */
  private async tick(s: SessionState) {
    await this.drain(s);
    for (let guard = 0; guard < 100; guard++) {
      const due = s.timers.filter((t) => t.at <= Date.now()).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      s.timers = s.timers.filter((t) => t !== due);
      await this.runTimer(s, due);
      await this.save(s);
      await this.drain(s);
    }
    await this.save(s);
  }

  private async runTimer(s: SessionState, t: Timer) {
    if (t.kind === 'provider') {
      this.transition(s, t.event);
      return;
    }
    if (t.kind === 'mark') {
      if (s.status === 'in_progress')
        s.outbox.push({
          kind: 'emit',
          type: `call.on_${t.mark}_secs_mark` as EventType,
          extra: { seconds: t.mark },
        });
      return;
    }
    if (t.kind === 'rtb_convert') {
      if (s.status === 'in_progress') this.convertForRtb(s);
      return;
    }
    if (t.kind === 'max_duration') {
      if (s.status === 'in_progress') await this.hangupNow(s, 'max_duration', 'system');
      return;
    }
    if (t.kind === 'scheduled') {
      if (s.status === 'scheduled') await this.admitScheduled(s);
      return;
    }
    if (s.status !== 'queued') return;
    await this.dial(s, t);
  }

  /** A scheduled call's time: take a slot (or wait for one), then dial as any queued call. */
  private async admitScheduled(s: SessionState) {
    const ctx = withAccount(systemCtx(this.env), { id: s.accountId });
    const admit = await admitScheduledCall(ctx, s.callId);
    if (admit.kind === 'wait') {
      s.timers.push({ at: Date.now() + admit.ms, kind: 'scheduled' });
      return;
    }
    if (admit.kind === 'stop') {
      this.transition(s, { status: 'canceled', endReason: admit.reason, hangupBy: 'system' });
      return;
    }
    const now = Date.now();
    s.status = 'queued';
    s.outbox.push({ kind: 'update', set: { status: 'queued', updatedAt: sec(now) } });
    s.timers.push({ at: now, kind: 'dial' });
  }

  /**
   * Dials at most once. The intent is saved (with the dial timer still in it) before the provider is
   * asked, so a crash after the provider accepted the call replays into `reconcile`, never a second dial.
   */
  private async dial(s: SessionState, timer: Timer) {
    const provider = await telephonyForAccount(this.accountCtx(s), s.provider).catch((err) => {
      logger(this.env, { account_id: s.accountId }).error('no provider for call', {
        call_id: s.callId,
        error: String(err),
      });
      return null;
    });
    if (!provider) {
      this.transition(s, { status: 'failed', endReason: 'provider_not_configured', hangupBy: 'system' });
      return;
    }
    const call = await this.callRow(s);
    const scoped = withAccount(systemCtx(this.env), { id: s.accountId });
    const req = {
      callId: s.callId,
      from: call?.fromNumber ?? null,
      to: call?.toNumber ?? '',
      maxDuration: s.maxDuration,
      metadata: call?.metadata ?? {},
      publicBaseUrl: s.publicBaseUrl,
      // The version the call recorded when it was placed, never the agent as edited since.
      agent: call ? dialAgentOf(await agentVersionForCall(scoped, call)) : null,
    };
    if (s.dialIntentAtMs) {
      const found = await provider.lookup(req, s.dialIntentAtMs).catch((err) => {
        logger(this.env, { account_id: s.accountId }).error('dial lookup failed', {
          call_id: s.callId,
          error: String(err),
        });
        return { status: 'unknown' as const };
      });
      if (found.status === 'found') return this.adopt(s, found.result);
      if (found.status === 'unknown') {
        // Whether the phone is ringing cannot be known: end the call rather than risk dialling twice.
        this.transition(s, { status: 'failed', endReason: 'dial_uncertain', hangupBy: 'system' });
        return;
      }
    }
    s.dialIntentAtMs = Date.now();
    await this.ctx.storage.put('state', { ...s, timers: [timer, ...s.timers] });
    await this.ctx.storage.sync(); // durable on disk before anything reaches the provider
    try {
      const dialed = await provider.dial(req);
      await hit('after-provider-dial', this.ctx);
      this.adopt(s, dialed);
    } catch (err) {
      if (err instanceof InjectedFault) throw err;
      logger(this.env, { account_id: s.accountId }).error('dial failed', {
        call_id: s.callId,
        error: String(err),
      });
      this.transition(s, { status: 'failed', endReason: 'provider_error' });
    }
  }

  /** The account's ctx: its provider credentials place and end its calls. */
  private accountCtx(s: SessionState) {
    return withAccount(systemCtx(this.env), { id: s.accountId });
  }

  /** The provider has this call: remember its id and the events it will report (the simulator's script). */
  private adopt(s: SessionState, dialed: DialResult) {
    s.providerCallId = dialed.providerCallId;
    s.outbox.push({ kind: 'update', set: { providerCallId: dialed.providerCallId } });
    const now = Date.now();
    for (const step of dialed.script ?? [])
      s.timers.push({ at: now + step.afterMs, kind: 'provider', event: step.event });
  }

  private async hangupNow(s: SessionState, reason: string, by: ProviderEvent['hangupBy']) {
    if (s.status === 'queued' || !s.providerCallId) {
      this.transition(s, { status: 'canceled', endReason: reason, hangupBy: by });
    } else {
      const final = await (await telephonyForAccount(this.accountCtx(s), s.provider)).hangup(
        s.providerCallId,
        s.status === 'in_progress',
      );
      // At max_duration the call lasted exactly that long, however late the timer fired.
      if (final)
        this.transition(s, {
          ...final,
          endReason: reason,
          hangupBy: by,
          ...(reason === 'max_duration' ? { duration: s.maxDuration } : {}),
        });
    }
    await this.save(s);
    await this.drain(s);
  }

  /** Applies a provider event if it moves the call forward; queues the writes and events it implies. */
  private transition(s: SessionState, ev: ProviderEvent): boolean {
    if (isTerminal(s.status)) return false;
    let next = ev.status;
    if (!isTerminal(next) && RANK[next] <= RANK[s.status]) return false;
    // A connected call that "fails" has still been talked on: it completes, with the error as its reason.
    if (s.status === 'in_progress' && isTerminal(next) && next !== 'completed') {
      next = 'completed';
      ev = { ...ev, endReason: ev.endReason ?? 'error' };
    }
    const now = Date.now();
    s.status = next;
    const set: Partial<CallRow> = { status: next, updatedAt: sec(now) };
    if (ev.providerCallId && !s.providerCallId) {
      s.providerCallId = ev.providerCallId;
      set.providerCallId = ev.providerCallId;
    }
    if (next !== 'canceled' && s.startedAtMs === null) {
      s.startedAtMs = now;
      set.startedAt = ev.startedAt ?? sec(now);
    }
    if (next === 'in_progress') {
      s.answeredAtMs = now;
      set.answeredAt = ev.answeredAt ?? ev.startedAt ?? sec(now);
      const unit = 1000 * s.timeScale;
      for (const mark of DURATION_MARKS) s.timers.push({ at: now + mark * unit, kind: 'mark', mark });
      s.timers.push({ at: now + s.maxDuration * unit, kind: 'max_duration' });
      if (s.rtb && !s.converted)
        s.timers.push({ at: now + conversionAfterSeconds(s.rtb) * unit, kind: 'rtb_convert' });
      s.outbox.push({ kind: 'update', set }, { kind: 'emit', type: 'call.connected' });
      return true;
    }
    if (!isTerminal(next)) {
      s.outbox.push({ kind: 'update', set });
      return true;
    }

    s.endedAtMs = now;
    s.timers = [];
    set.endedAt = ev.endedAt ?? sec(now);
    set.endReason = ev.endReason ?? next;
    set.hangupBy = ev.hangupBy ?? null;
    set.duration =
      ev.duration ?? (s.answeredAtMs !== null ? Math.round((now - s.answeredAtMs) / s.timeScale / 1000) : 0);
    if (ev.outcome) set.outcome = ev.outcome;
    s.outbox.push({ kind: 'update', set });
    // A call that lasted long enough converts even if its timer had not fired yet.
    if (next === 'completed' && s.rtb && (set.duration ?? 0) >= conversionAfterSeconds(s.rtb))
      this.convertForRtb(s);
    if (next === 'completed') {
      s.outbox.push(
        { kind: 'emit', type: 'call.hangup', extra: { hangup_by: set.hangupBy, end_reason: set.endReason } },
        { kind: 'finalize' },
      );
    } else if (next !== 'canceled') {
      s.outbox.push({ kind: 'emit', type: 'call.failure', extra: { reason: set.endReason } });
    }
    s.outbox.push({ kind: 'release' });
    if (s.direction === 'outbound' && !s.batchId) s.outbox.push({ kind: 'redial', nextId: newId('call') });
    return true;
  }

  private convertForRtb(s: SessionState) {
    if (s.converted || !s.rtb) return;
    s.converted = true;
    s.outbox.push(
      { kind: 'update', set: { converted: true, payout: s.rtb.payout } },
      {
        kind: 'emit',
        type: 'call.converted',
        extra: { payout: s.rtb.payout, reason: 'rtb_payout_condition', bid_id: s.rtb.bid_id },
      },
    );
  }

  /** Performs queued effects in order, saving after each, so a crash resumes where it stopped. */
  private async drain(s: SessionState) {
    const db = accountDb(this.env, s.accountId);
    while (s.outbox.length) {
      const effect = s.outbox[0];
      if (effect.kind === 'update') {
        await db.update(calls).set(effect.set).where(eq(calls.id, s.callId));
      } else if (effect.kind === 'emit') {
        const call = await this.callRow(s);
        if (call) {
          await emitEvent(
            withAccount(systemCtx(this.env), { id: s.accountId }),
            effect.type,
            { call: presentCall(call), ...(effect.extra ?? {}) },
            { dedupeKey: `${s.callId}:${effect.type}`, callId: s.callId },
          );
        }
      } else if (effect.kind === 'finalize') {
        s.outbox.splice(1, 0, ...(await this.finalize(s)));
      } else if (effect.kind === 'redial') {
        await scheduleSingleRedial(
          withAccount(systemCtx(this.env), { id: s.accountId }),
          s.callId,
          effect.nextId,
          {
            publicBaseUrl: s.publicBaseUrl,
            faultCtx: this.ctx,
          },
        );
      } else {
        await releaseCallSlot(withAccount(systemCtx(this.env), { id: s.accountId }), s.callId);
        if (s.batchId) await dispatcherFor(this.env, s.batchId).callEnded();
        if (s.rtb) await exchangeFor(this.env, s.accountId).callEnded(s.callId);
      }
      s.outbox.shift();
      await this.ctx.storage.put('state', s);
    }
  }

  /** Post-call work: transcript, summary, analysis and recording (simulator), conversion, then call.completed. */
  private async finalize(s: SessionState): Promise<Effect[]> {
    const call = await this.callRow(s);
    if (!call) return [];
    const effects: Effect[] = [];
    let analysis = call.analysis;
    const scoped = withAccount(systemCtx(this.env), { id: s.accountId });
    if (s.provider === 'simulator') {
      const agent = await agentVersionForCall(scoped, call);
      const sim = simulateOptions(call.metadata);
      const result = simulateConversation({
        prompt: agent?.prompt ?? '',
        firstMessage: agent?.firstMessage ?? null,
        variables: { ...(call.callerData ?? {}), ...call.variables },
        talkSeconds: call.duration ?? 0,
        outcome: call.outcome ?? undefined,
        analysisSchema: agent?.analysisSchema ?? [],
        simulate: sim,
      });
      // What the call's own runtime reported (/v2/webhooks/call-events) wins over anything synthesised here.
      analysis = call.analysis ?? result.analysis;
      effects.push({
        kind: 'update',
        set: {
          transcript: call.transcript ?? result.transcript,
          summary: call.summary ?? result.summary,
          sentiment: call.sentiment ?? (result.sentiment as CallRow['sentiment']),
          outcome: call.outcome ?? result.outcome,
          analysis,
          recordingUrl: call.recordingUrl ?? `${s.publicBaseUrl}/v1/calls/${s.callId}/recording`,
        },
      });
      if (
        !s.converted &&
        (sim.converted === true || (sim.converted === undefined && meetsSuccessCriterion(analysis)))
      ) {
        s.converted = true;
        const payout = typeof sim.payout === 'number' ? sim.payout : null;
        effects.push(
          { kind: 'update', set: { converted: true, payout } },
          { kind: 'emit', type: 'call.converted', extra: { payout, reason: 'success_criterion' } },
        );
      }
    }
    // The person asked not to be called again (the outcome or analysis says so): suppress the number.
    if (call.direction === 'outbound' && reportsOptOut(call.outcome ?? outcomeOf(effects), analysis))
      await suppressAutomatically(scoped, call.toNumber, 'call', 'call_analysis');
    effects.push({ kind: 'emit', type: 'call.completed' });
    return effects;
  }

  private async callRow(s: SessionState) {
    return accountDb(this.env, s.accountId).query.calls.findFirst({ where: eq(calls.id, s.callId) });
  }
}

/** The outcome finalize is about to write (the simulator's), when the call row has none yet. */
function outcomeOf(effects: Effect[]): string | null {
  for (const e of effects) if (e.kind === 'update' && typeof e.set.outcome === 'string') return e.set.outcome;
  return null;
}
