import { createApp } from './app';
import { getDb } from './db/client';
import type { Env, EventQueueMessage } from './env';
import { purgeExpiredIdempotencyKeys } from './services/idempotency';

export { AccountLimiter } from './durable-objects/account-limiter';
export { CallSession } from './durable-objects/call-session';
export { RtbEndpoint } from './durable-objects/rtb-endpoint';

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<EventQueueMessage>, _env: Env): Promise<void> {
    // Webhook delivery arrives with the lifecycle work; until then nothing is enqueued.
    batch.ackAll();
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    await purgeExpiredIdempotencyKeys(getDb(env.DB));
  },
} satisfies ExportedHandler<Env, EventQueueMessage>;
