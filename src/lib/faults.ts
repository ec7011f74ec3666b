// Named fault points for the crash-safety tests (README "Reliability", test/integration/crash-*.test.ts).
// Inert in production: a point only fires once a test arms it, and arming needs the FAULT_INJECTION
// binding that only vitest.config.ts sets. Tests and Durable Objects share one isolate under
// @cloudflare/vitest-plugin, so a module-level table is enough to reach code running inside an object.
import type { Env } from '../env';

export type FaultPoint =
  /** emitEvent: the event row is written, its deliveries not yet queued (src/services/events.ts). */
  | 'after-event-insert'
  /** CallSession: provider.dial() returned, the provider call id not yet saved. */
  | 'after-provider-dial'
  /** BatchDispatcher.alarm: the batch looks finished, the final status not yet written. */
  | 'batch-before-finish'
  /** BatchDispatcher: a recipient's call is created, the recipient not yet marked dialled. */
  | 'batch-after-create-call'
  /** /call-data: just before the lead is written. */
  | 'lead-before-write'
  /** CallSession outbox: a single call's redial row and session exist, its event not sent, the effect not done. */
  | 'redial-mid-schedule'
  /** BatchDispatcher: an attempt has ended and needs a redial, which is not yet recorded. */
  | 'batch-before-redial'
  /** BatchDispatcher: the redial is recorded in the dispatcher, the ended call not yet marked in D1. */
  | 'batch-before-redial-mark'
  /** createPhoneNumber: the number is claimed in the directory, its row not yet written on the shard. */
  | 'number-before-shard-insert'
  /** insertMany (suppressions): an earlier D1 batch of a large import is stored, the next not yet sent. */
  | 'suppressions-between-batches'
  /** insertWithEvents (suppressions): the rows' and events' D1 batch is built, not yet sent. */
  | 'suppressions-before-event-batch';

export type FaultAction =
  | { kind: 'throw' }
  /** `ctx.abort()`: the real crash of a Durable Object (its in-memory state is gone). */
  | { kind: 'abort' }
  /** Runs `fn` at the point (e.g. a request that arrives in the window), then carries on. */
  | { kind: 'run'; fn: () => unknown };

const armed = new Map<FaultPoint, { action: FaultAction; times: number }>();
const reached = new Map<FaultPoint, number>();

export class InjectedFault extends Error {
  constructor(readonly point: FaultPoint) {
    super(`fault injected at ${point}`);
  }
}

/** Arms `point` for its next `times` hits. Throws unless the FAULT_INJECTION binding is `on` (tests only). */
export function armFault(
  env: Pick<Env, 'FAULT_INJECTION'>,
  point: FaultPoint,
  action: FaultAction,
  times = 1,
) {
  if (env.FAULT_INJECTION !== 'on') throw new Error('fault injection is disabled in this environment');
  armed.set(point, { action, times });
}

export function disarmFaults() {
  armed.clear();
  reached.clear();
}

/** How often `point` was reached since the last disarmFaults() (counted only while something is armed). */
export const timesReached = (point: FaultPoint) => reached.get(point) ?? 0;

/** Marks a fault point. Does nothing unless a test armed it. */
export async function hit(point: FaultPoint, ctx?: DurableObjectState): Promise<void> {
  if (!armed.size) return;
  reached.set(point, (reached.get(point) ?? 0) + 1);
  const fault = armed.get(point);
  if (!fault) return;
  if (--fault.times <= 0) armed.delete(point);
  if (fault.action.kind === 'run') {
    await fault.action.fn();
    return;
  }
  if (fault.action.kind === 'abort' && ctx) ctx.abort(`fault injected at ${point}`);
  throw new InjectedFault(point);
}
