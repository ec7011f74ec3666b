import { createApp } from './app';
import type { Env, EventQueueMessage } from './env';
import { consumeDeadLetters, consumeEvents } from './queues/events-consumer';
import { sweepStuckDeliveries } from './services/events';
import { purgeExpiredIdempotencyKeys } from './services/idempotency';
import { purgeOldIngestKeys } from './services/ingest';
import { wakeStalled } from './services/watchdog';
import { systemCtx } from './services/context';

export { AccountLimiter } from './durable-objects/account-limiter';
export { BatchDispatcher } from './durable-objects/batch-dispatcher';
export { CallSession } from './durable-objects/call-session';
export { RtbExchange } from './durable-objects/rtb-exchange';

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<EventQueueMessage>, env: Env): Promise<void> {
    if (batch.queue.endsWith('-dlq')) await consumeDeadLetters(batch, env);
    else await consumeEvents(batch, env);
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const ctx = systemCtx(env);
    await purgeExpiredIdempotencyKeys(ctx);
    await sweepStuckDeliveries(ctx);
    await wakeStalled(ctx);
    await purgeOldIngestKeys(ctx);
  },
} satisfies ExportedHandler<Env, EventQueueMessage>;
