import { createApp } from './app';
import type { Env, EventQueueMessage } from './env';
import { consumeDeadLetters, consumeEvents } from './queues/events-consumer';
import { sweepStuckDeliveries } from './services/events';
import { purgeExpiredIdempotencyKeys } from './services/idempotency';
import { purgeOldIngestKeys } from './services/ingest';
import { purgeExpired } from './services/retention';
import { wakeStalled } from './services/watchdog';
import { onShard, systemCtx } from './services/context';
import { eachShard } from './db/shards';

import { AccountLimiter as AccountLimiterObject } from './durable-objects/account-limiter';
import { BatchDispatcher as BatchDispatcherObject } from './durable-objects/batch-dispatcher';
import { CallSession as CallSessionObject } from './durable-objects/call-session';
import { RtbExchange as RtbExchangeObject } from './durable-objects/rtb-exchange';
import { countAlarm, countRequest, metered, readCounters, resetCounters } from './lib/metering';

// The Durable Objects get their bindings through `metered` (counted only when BENCH_METRICS=on).
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base must be constructible from any[]
type DurableObjectClass = new (...args: any[]) => { alarm(): Promise<void> };
function meteredObject<C extends DurableObjectClass>(Base: C, name: string) {
  return class extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor must take any[]
    constructor(...args: any[]) {
      super(args[0] as DurableObjectState, metered(args[1] as Env));
    }
    override alarm() {
      countAlarm(name);
      return super.alarm();
    }
  };
}
export const AccountLimiter = meteredObject(AccountLimiterObject, 'AccountLimiter');
export const BatchDispatcher = meteredObject(BatchDispatcherObject, 'BatchDispatcher');
export const CallSession = meteredObject(CallSessionObject, 'CallSession');
export const RtbExchange = meteredObject(RtbExchangeObject, 'RtbExchange');

const app = createApp();

/** BENCH_METRICS=on only: POST /__metrics/reset starts counting from zero, GET /__metrics reads. */
function metricsEndpoint(req: Request): Response {
  if (req.method === 'POST') {
    resetCounters(true);
    return Response.json({ reset: true });
  }
  return Response.json(readCounters());
}

export default {
  fetch(req: Request, env: Env, ctx: ExecutionContext) {
    if (env.BENCH_METRICS === 'on') {
      if (new URL(req.url).pathname.startsWith('/__metrics')) return metricsEndpoint(req);
      countRequest();
    }
    return app.fetch(req, metered(env), ctx);
  },

  async queue(batch: MessageBatch<EventQueueMessage>, env: Env): Promise<void> {
    if (batch.queue.endsWith('-dlq')) await consumeDeadLetters(batch, metered(env));
    else await consumeEvents(batch, metered(env));
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const system = systemCtx(metered(env));
    // Each job scans one database: the cron runs them on every D1 shard in turn (db/shards.ts); a shard
    // that fails does not keep the others from their run.
    let failed: unknown = null;
    await eachShard(system.env, async (db, shard) => {
      const ctx = onShard(system, db);
      try {
        await purgeExpiredIdempotencyKeys(ctx);
        await sweepStuckDeliveries(ctx);
        await wakeStalled(ctx);
        await purgeOldIngestKeys(ctx);
        await purgeExpired(ctx);
      } catch (err) {
        system.log.error('cron failed on a shard', { shard, error: String(err) });
        failed = err;
      }
    });
    if (failed) throw failed;
  },
} satisfies ExportedHandler<Env, EventQueueMessage>;
