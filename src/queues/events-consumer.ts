import { getDb } from '../db/client';
import type { Env, EventQueueMessage } from '../env';
import { attemptDelivery } from '../services/webhook-delivery';

/**
 * Each message is one delivery id. A message is acked only after its attempt is recorded; anything
 * unexpected retries that message alone (and, past max_retries, lands in the dead-letter queue), so a
 * consumer that dies mid-batch loses nothing.
 */
export async function consumeEvents(batch: MessageBatch<EventQueueMessage>, env: Env) {
  const db = getDb(env.DB);
  // Deliveries are independent (different endpoints, or retries of one): attempt them concurrently.
  await Promise.all(batch.messages.map(async (msg) => {
    try {
      if (typeof msg.body?.delivery_id !== 'string') { msg.ack(); return; }
      await attemptDelivery(env, db, msg.body.delivery_id);
      msg.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'delivery attempt crashed; will retry', delivery_id: msg.body?.delivery_id, error: String(err) }));
      msg.retry({ delaySeconds: 5 });
    }
  }));
}

/** Dead letters: the delivery row is still pending, so the cron sweep re-enqueues it; log loudly. */
export async function consumeDeadLetters(batch: MessageBatch<EventQueueMessage>) {
  for (const msg of batch.messages) {
    console.error(JSON.stringify({ level: 'error', msg: 'delivery reached the dead-letter queue; the sweep will retry it', delivery_id: msg.body?.delivery_id }));
    msg.ack();
  }
}
